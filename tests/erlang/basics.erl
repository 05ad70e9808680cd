%% Sequential Erlang: recursion, pattern matching, guards, tuples and lists,
%% comparisons and term order, small-integer arithmetic.
-module(basics).
-export([main/0]).

main() ->
    erlang:display(fact(20)),
    erlang:display(fib(20)),
    erlang:display(len(lists_seq(1, 1000))),
    erlang:display(rev([1, 2, 3, {a, b}, [c]])),
    erlang:display(sum(lists_seq(1, 100))),
    erlang:display(classify([0, -5, 7, a, "s", {t}, [], 3.5, self()])),
    erlang:display(zip([a, b, c], [1, 2, 3])),
    erlang:display(qsort([5, 3, 9, 1, 1, 8, -2, 0, 7])),
    erlang:display(qsort([b, {1}, 3, [x], a, 2.5, "z", {0, 0}, []])),
    erlang:display({17 div 5, 17 rem 5, -17 div 5, -17 rem 5, 7 band 3, 7 bor 8, 7 bxor 2, bnot 5}),
    erlang:display({1 < 2, a < b, {1, 2} =:= {1, 2}, 1 == 1.0, 1 =:= 1.0, [] < {}, x =/= y}),
    %% min/max (inline in Shoal's code): of two equal terms the first, across types by term order
    erlang:display([{min(A, B), max(A, B)} || {A, B} <- [{3, 5}, {5, 3}, {-7, 7}, {1, 1.0}, {1.0, 1}, {a, 2},
        {"s", {t}}, {[], <<>>}, {12345678901234567890, 2.5}, {{1, 2}, [1]}, {-1 bsl 70, 0}]]),
    erlang:display({min(4, 4), max(2.5, 2), lists:foldl(fun erlang:max/2, 0, [3, 9, 2])}),
    erlang:display(tuple_stuff({a, b, c, d})),
    erlang:display(case_of(3)),
    erlang:display([case_of(X) || X <- [0, 1, 2, 10, foo]]),
    erlang:display(lists_nth(3, [p, q, r, s])),
    big_literal_map(),
    ok.

%% A literal map of more than 32 keys (OTP writes it in its hash trie's order; Shoal sorts it):
%% lookups, size, equality with the same map built at run time (only what does not depend on
%% the iteration order, which differs past 32 keys).
big_literal_map() ->
    M = #{k1 => 1, k2 => 2, k3 => 3, k4 => 4, k5 => 5, k6 => 6, k7 => 7, k8 => 8, k9 => 9, k10 => 10,
          k11 => 11, k12 => 12, k13 => 13, k14 => 14, k15 => 15, k16 => 16, k17 => 17, k18 => 18,
          k19 => 19, k20 => 20, k21 => 21, k22 => 22, k23 => 23, k24 => 24, k25 => 25, k26 => 26,
          k27 => 27, k28 => 28, k29 => 29, k30 => 30, k31 => 31, k32 => 32, k33 => 33, 1 => one,
          2.0 => two, "str" => str, {t, 1} => tuple},
    Built = lists:foldl(fun({K, V}, Acc) -> Acc#{K => V} end, #{},
        [{list_to_atom("k" ++ integer_to_list(I)), I} || I <- lists_seq(1, 33)] ++
        [{1, one}, {2.0, two}, {"str", str}, {{t, 1}, tuple}]),
    erlang:display({map_size(M), maps:get(k33, M), maps:get(1, M), maps:get(2.0, M), maps:get({t, 1}, M),
                    maps:is_key(2, M), M =:= Built, M == Built}),
    #{k7 := Seven, "str" := S} = M,
    erlang:display({Seven, S}).

fact(0) -> 1;
fact(N) when N > 0 -> N * fact(N - 1).

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

lists_seq(A, B) when A > B -> [];
lists_seq(A, B) -> [A | lists_seq(A + 1, B)].

rev(L) -> rev(L, []).
rev([], Acc) -> Acc;
rev([H | T], Acc) -> rev(T, [H | Acc]).

sum(L) -> sum(L, 0).
sum([], S) -> S;
sum([H | T], S) -> sum(T, S + H).

classify([]) -> [];
classify([X | T]) -> [kind(X) | classify(T)].

kind(X) when is_integer(X), X > 0 -> pos;
kind(X) when is_integer(X), X < 0 -> neg;
kind(0) -> zero;
kind(X) when is_atom(X) -> atom;
kind(X) when is_float(X) -> float;
kind([]) -> nil;
kind([_ | _]) -> list;
kind(X) when is_tuple(X) -> {tuple, tuple_size(X)};
kind(X) when is_pid(X) -> pid.

zip([A | As], [B | Bs]) -> [{A, B} | zip(As, Bs)];
zip([], []) -> [].

qsort([]) -> [];
qsort([P | T]) -> qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

tuple_stuff(T) ->
    {element(2, T), tuple_size(T), setelement(1, T, z), erlang:make_tuple(2, q)}.

case_of(X) ->
    case X of
        0 -> zero;
        N when is_integer(N), N < 3 -> small;
        N when is_integer(N) -> big;
        _ -> other
    end.

lists_nth(1, [H | _]) -> H;
lists_nth(N, [_ | T]) -> lists_nth(N - 1, T).
