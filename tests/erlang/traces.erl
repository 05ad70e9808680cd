%% Stack traces beyond the top frame: BEAM's trace is the raising place, then
%% one frame per return address on the stack (a body call's caller, with the
%% line of the call), a tail call leaving none, a return address equal to the
%% one before it counted once, 8 frames at most.
%%
%% Every case runs in a process of its own, spawned here: under
%% `erl -noshell -eval` the bottom of main's stack holds erl_eval's and init's
%% frames, which Shoal (whose runtime spawns main itself) does not have; a
%% spawned fun's stack holds only this program's frames on both.
-module(traces).
-export([main/0, deep/2, back/1, boom/1]).

main() ->
    show(body3, fun() -> body1(e) end),
    show(two_modules, fun() -> traces_other:there(3, e) end),
    show(back_and_forth, fun() -> traces_other:back_again(e) end),
    show(tail_calls, fun() -> tail1(e) end),
    show(deeper_than_8, fun() -> deep(20, e) end),
    show(same_call_once, fun() -> same(5, e) end),
    show(throw, fun() -> body1({throw, t}) end),
    show(exit, fun() -> body1({exit, x}) end),
    show(function_clause, fun() -> fc_caller(1) end),
    show(badmatch, fun() -> bm_caller(2) end),
    show(case_clause, fun() -> cc_caller(q) end),
    show(if_clause, fun() -> if_caller(7) end),
    show(fun_call, fun() -> in_fun(e) end),
    show(fun_tail_call, fun() -> {fun_tail, fun_tail(fun boom/1, e)} end),
    show(export_fun, fun() -> {export_fun, fun_tail(fun traces_other:there/2, 0, e)} end),
    show(apply, fun() -> via_apply(e) end),
    show(caught_then_raised, fun() -> after_catch(e) end),
    caught(),
    rethrown(),
    down(),
    ok.

%% the trace a case's raise gives, caught in the case's own process
show(Name, F) ->
    Self = self(),
    spawn(fun() -> Self ! {Name, try F() of V -> {returned, V} catch C:R:S -> {C, R, S} end} end),
    receive {Name, Result} -> io:format("~p: ~p~n", [Name, Result]) end.

boom({throw, V}) -> throw(V);
boom({exit, V}) -> exit(V);
boom(E) when is_atom(E) -> error(E);
boom(V) -> V.

body1(E) -> {body1, body2(E)}.
body2(E) -> [body3(E)].
body3(E) -> 1 + boom(E).

back(E) -> {back, boom(E)}.

tail1(E) -> tail2(E).
tail2(E) -> {tail2, tail3(E)}.
tail3(E) -> tail4(E).
tail4(E) -> [boom(E)].

deep(0, E) -> [boom(E)];
deep(N, E) when N rem 2 == 0 -> [deep2(N - 1, E)];
deep(N, E) -> [deep(N - 1, E)].
deep2(N, E) -> {deep(N, E)}.

same(0, E) -> boom(E);
same(N, E) -> 1 + same(N - 1, E).

fc_caller(X) -> {fc, fc_middle(X)}.
fc_middle(X) -> [fc(X, X + 1)].
fc(a, _) -> ok.

bm_caller(X) -> {bm, [bm(X)]}.
bm(X) -> 1 = X, ok.

cc_caller(X) -> {cc, [cc(X)]}.
cc(X) -> case X of a -> 1; b -> 2 end.

if_caller(X) -> {'if', [iff(X)]}.
iff(X) -> if X > 10 -> big; X < 5 -> small end.

in_fun(E) ->
    F = fun(X) -> [boom(X)] end,
    {in_fun, F(E)}.

%% a fun called in tail position leaves no frame (BEAM's loader makes it a tail call)
fun_tail(F, E) -> F(E).
fun_tail(F, A, E) -> [F(A, E)].

via_apply(E) -> {apply, apply(?MODULE, back, [E])}.

after_catch(E) ->
    _ = (catch boom(E)),
    {after_catch, [boom(E)]}.

%% catch Expr: {'EXIT', {Reason, Trace}}
caught() ->
    Self = self(),
    spawn(fun() -> Self ! {caught, catch body1(e)} end),
    receive {caught, R} -> io:format("catch: ~p~n", [R]) end.

%% erlang:raise/3 rethrows with the trace it is given, not where it is called
rethrown() ->
    Self = self(),
    spawn(fun() ->
        R = try
                try body1(e) catch error:e:S -> {rethrow(error, e, S)} end
            catch C:R0:S2 -> {C, R0, S2}
            end,
        Self ! {rethrown, R}
    end),
    receive {rethrown, R} -> io:format("raise/3: ~p~n", [R]) end.

rethrow(C, R, S) -> [erlang:raise(C, R, S)].

%% an uncaught error's exit reason {Reason, Trace}, as a monitor sees it
down() ->
    {Pid, Ref} = spawn_monitor(fun() -> body1(e) end),
    receive {'DOWN', Ref, process, Pid, Reason} -> io:format("DOWN: ~p~n", [Reason]) end,
    {Pid2, Ref2} = spawn_monitor(fun() -> traces_other:there(1, {throw, up}) end),
    receive {'DOWN', Ref2, process, Pid2, Reason2} -> io:format("DOWN: ~p~n", [Reason2]) end.
