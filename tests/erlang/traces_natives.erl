%% Stack traces of errors raised inside BIFs (natives, arithmetic's slow
%% path, apply's undef): BEAM's trace is the BIF's frame {M, F, Args,
%% [{error_info, ...}]} (undef's {M, F, Args, []}), then the callers' frames
%% as a raise at the call site would give them. Each case runs in a process
%% of its own (see traces.erl: erl -eval's own frames); the show_exit cases
%% in one that catches nothing, their trace the one its link gets.
-module(traces_natives).
-export([main/0, id/1, no_handler/1]).

main() ->
    show(element, fun() -> {r, body(fun() -> element(5, id({a})) end)} end),
    show(element_tail, fun() -> el_tail(5, id({a})) end),
    show(setelement, fun() -> {r, setelement(0, id({a}), x)} end),
    show(tuple_size, fun() -> {r, tuple_size(id([a]))} end),
    show(hd, fun() -> {r, hd(id([]))} end),
    show(tl, fun() -> {r, tl(id(a))} end),
    show(length, fun() -> {r, length(id([a | b]))} end),
    show(plus, fun() -> {r, add(1, foo)} end),
    show(plus_tail, fun() -> add_tail(1, foo) end),
    show(minus, fun() -> {r, id(1) - id(foo)} end),
    show(times, fun() -> {r, id(1.5) * id(foo)} end),
    show('div', fun() -> {r, id(1) div id(0)} end),
    show('rem', fun() -> {r, id(1) rem id(0)} end),
    show('band', fun() -> {r, id(1) band id(1.0)} end),
    show('bor', fun() -> {r, id(a) bor id(1)} end),
    show('bsl', fun() -> {r, id(1) bsl id(a)} end),
    show('bsr', fun() -> {r, id(a) bsr id(1)} end),
    show(neg, fun() -> {r, - id(a)} end),
    show(compare, fun() -> {r, id(1) < id(a), id(a) == id(1.0)} end),
    show(atom_to_list, fun() -> {r, atom_to_list(id(3))} end),
    show(list_to_atom, fun() -> {r, list_to_atom(id([a]))} end),
    show(integer_to_list, fun() -> {r, integer_to_list(id(x))} end),
    show(binary_to_term, fun() -> {r, binary_to_term(id(<<1>>))} end),
    show(binary_to_list, fun() -> {r, binary_to_list(id(x))} end),
    show(byte_size, fun() -> {r, byte_size(id(x))} end),
    show(map_get, fun() -> {r, map_get(k, id(#{}))} end),
    show(maps_get, fun() -> {r, maps:get(k, id(#{a => 1}))} end),
    show(maps_get_badmap, fun() -> {r, maps:get(k, id(x))} end),
    show(reverse, fun() -> {r, lists:reverse(id(x), [])} end),
    show(reverse_improper, fun() -> {r, lists:reverse(id([1, 2 | x]), [])} end),
    show(reverse_tail, fun() -> rev_tail(id(x)) end),
    show(keyfind, fun() -> {r, lists:keyfind(a, 0, id([]))} end),
    show(member, fun() -> {r, lists:member(a, id(x))} end),
    show(undef, fun() -> {r, (id(nomod)):f(1)} end),
    show(undef_tail, fun() -> undef_tail(id(nomod)) end),
    show(undef_fn, fun() -> {r, (id(traces_natives)):nofn(1, 2)} end),
    show(apply_undef, fun() -> {r, apply(id(nomod), f, [1])} end),
    %% a function erlang does not have, called as a BIF would be (no module in a variable)
    show(undef_erlang, fun() -> {r, erlang:no_such_bif(id(1))} end),
    show(undef_erlang_tail, fun() -> undef_erlang_tail(id(1)) end),
    show(badfun, fun() -> {r, (id(x))(1)} end),
    show(badarity, fun() -> {r, (id(fun(A) -> A end))(1, 2)} end),
    show(badfun_tail, fun() -> call_tail(id(x)) end),
    show(guard, fun() -> {r, guard(id({a}))} end),
    show(guard_arith, fun() -> {r, guard_arith(id(a), id(1))} end),
    show(caught_here, fun() -> {r, caught_here(id(5))} end),
    show(deep, fun() -> deep(12) end),
    show(deeper_than_8, fun() -> deeper(12) end),
    show(maps_find, fun() -> {r, maps:find(k, id(x))} end),
    show(math_sqrt, fun() -> {r, math:sqrt(id(a))} end),
    show(abs, fun() -> {r, abs(id(a))} end),
    show(export_fun, fun() -> {r, (id(fun erlang:element/2))(5, {a})} end),
    show(apply_native, fun() -> {r, apply(erlang, id(element), [5, {a}])} end),
    show(apply_native_tail, fun() -> ap_tail(id(element)) end),
    show(map_size, fun() -> {r, map_size(id(x))} end),
    show(put_exact, fun() -> {r, (id(#{}))#{k := 1}} end),
    show(bif_in_catch, fun() -> {r, catch element(5, id({a}))} end),
    %% the same errors uncaught, in a process with no handler at all: the trace its link gets
    show_exit(atom_to_list, fun() -> {r, atom_to_list(id(3))} end),
    show_exit(maps_get, fun() -> {r, maps:get(k, id(#{a => 1}))} end),
    show_exit(plus, fun() -> {r, add(1, foo)} end),
    show_exit(reverse_tail, fun() -> rev_tail(id(x)) end),
    show_exit(binary_to_list, fun() -> {r, binary_to_list(id(x))} end),
    show_exit(undef, fun() -> {r, (id(nomod)):f(1)} end),
    show_exit(undef_erlang, fun() -> {r, erlang:no_such_bif(id(2), x)} end),
    show_exit(apply_native, fun() -> {r, apply(erlang, id(element), [5, {a}])} end),
    show_exit(element, fun() -> {r, element(5, id({a}))} end),
    show_exit(deep, fun() -> deep(12) end),
    show_exit(spawned_mfa, {traces_natives, no_handler, [id(3)]}),
    ok.

show(Name, F) ->
    Self = self(),
    spawn(fun() -> Self ! {Name, try F() of V -> {returned, V} catch C:R:S -> {C, R, S} end} end),
    receive {Name, Result} -> io:format("~p: ~p~n", [Name, printable(Result)]) end.

%% F (a fun, or {M, F, Args}) run in a linked process that catches nothing; the 'EXIT' reason
%% (erl would also log each crash, with the time: the test runs erl with its logger off)
show_exit(Name, F) ->
    Self = self(),
    spawn(fun() ->
        process_flag(trap_exit, true),
        P = case F of {M, Fn, A} -> spawn_link(M, Fn, A); _ -> spawn_link(F) end,
        receive {'EXIT', P, R} -> Self ! {Name, R} end
    end),
    receive {Name, Reason} -> io:format("~p, uncaught: ~p~n", [Name, Reason]) end.

no_handler(X) -> {r, list_to_atom(X)}.

%% a fun prints differently on Shoal: shown as the atom 'fun'
printable({C, {badarity, {F, A}}, S}) when is_function(F) -> {C, {badarity, {'fun', A}}, S};
printable(R) -> R.

id(X) -> X.

body(F) -> [F()].

el_tail(N, T) -> element(N, T).

add(A, B) -> {add, id(A) + B}.
add_tail(A, B) -> id(A) + B.

rev_tail(L) -> lists:reverse(L, []).

undef_tail(M) -> M:f(1).

undef_erlang_tail(X) -> erlang:no_such_bif(X).

guard(T) when element(5, T) == a -> yes;
guard(_) -> no.

%% arithmetic's slow path in a guard, registers live: the guard fails, no exception
guard_arith(X, Y) when X + 1 > Y -> {big, X, Y};
guard_arith(X, Y) -> {small, X, Y}.

%% a BIF's raise caught in the function that called it, its frame's registers intact
caught_here(N) ->
    Z = id(N),
    R = try id(a) + Z catch error:badarith:S -> {caught, Z, length(S)} end,
    {R, N, Z}.

call_tail(F) -> F(1).

ap_tail(F) -> apply(erlang, F, [5, {a}]).

deep(0) -> {d, element(2, id({a})), element(3, id({a}))};
deep(N) -> {d, deep(N - 1)}.

deeper(0) -> [element(2, id({a}))];
deeper(N) when N rem 2 == 0 -> [deeper(N - 1)];
deeper(N) -> {deeper2(N - 1)}.
deeper2(N) -> {deeper(N)}.
