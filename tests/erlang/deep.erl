%% Depth like the BEAM's: a body recursion a million deep (its frames on the
%% process's shadow stack, not the engine's stack) and a long tail-recursive loop.
-module(deep).
-export([main/0]).

main() ->
    L = seq(1, 1000000),
    erlang:display(length_of(L)),
    erlang:display(sum(map(fun(X) -> X * 2 end, L))),
    erlang:display(loop(10000000, 0)),
    erlang:display(count_down(3000000)),
    ok.

%% body recursions, each level a frame
seq(A, B) when A > B -> [];
seq(A, B) -> [A | seq(A + 1, B)].

map(_, []) -> [];
map(F, [H | T]) -> [F(H) | map(F, T)].

length_of([]) -> 0;
length_of([_ | T]) -> 1 + length_of(T).

sum(L) -> sum(L, 0).
sum([], S) -> S;
sum([H | T], S) -> sum(T, S + H).

%% tail loops, constant space
loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + (N band 3)).

count_down(0) -> done;
count_down(N) -> count_down(N - 1).
