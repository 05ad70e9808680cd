%% Preemption at function entries: many processes run the same functions at once, each preempted
%% thousands of times (its slice ends at a function's entry, where compiled code returns to the
%% trampoline, which yields with the arguments rooted). Arguments of every kind must come back as
%% they were, in the process they belong to: heap terms a collection moves meanwhile, big
%% integers, floats, binaries, funs, and the continuation of a body recursion.
-module(preempt).
-export([main/0]).

main() ->
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), run(N)} end) || N <- lists:seq(1, 12)],
    Results = [receive {P, R} -> R end || P <- Pids],
    lists:foreach(fun(R) -> erlang:display(R) end, Results),
    %% the same functions in this process too, while the others may still be waiting to exit
    erlang:display(run(13)),
    ok.

run(N) ->
    {tail(3000 + N, [N], {N, N * 2}, (1 bsl 70) + N, N * 1.5, <<N:16>>, fun(X) -> X + N end),
     summary(body(2000 + N, N)),
     zero()}.

%% seven arguments, a list that grows (so the process collects), a tuple, a big integer and a
%% float changed each time, a binary and a fun passed along
tail(0, L, T, B, F, Bin, Fun) ->
    {length(L), lists:sum(L) rem 1000003, T, B rem 1000000007, F, byte_size(Bin), Fun(1)};
tail(K, [H | _] = L, {A, C}, B, F, Bin, Fun) ->
    tail(K - 1, [(H * 7 + K) rem 65521 | L], {C, A + 1}, B + K, F + 0.5, Bin, Fun).

summary(L) -> {length(L), lists:sum(L), hd(L), lists:last(L)}.

%% a body recursion: its continuation and the arguments live across the preemptions
body(0, N) -> [N];
body(K, N) -> [K rem 7 | body(K - 1, N)] ++ [].

%% a function of no arguments, called in a loop (its entry yields with none; 4,000 reductions a slice)
zero() -> zero(20000, 0).
zero(0, Acc) -> Acc;
zero(K, Acc) -> zero(K - 1, Acc + one()).
one() -> 1.
