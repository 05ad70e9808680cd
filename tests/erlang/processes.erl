%% Processes: spawn, send, selective receive, after, a ring, links and exits.
-module(processes).
-export([main/0]).

main() ->
    Self = self(),
    P = spawn(fun() -> echo() end),
    P ! {Self, hello},
    receive {P, R} -> erlang:display(R) end,
    P ! stop,
    %% selective receive: the second message first
    self() ! first, self() ! second,
    receive second -> erlang:display(got_second) end,
    receive first -> erlang:display(got_first) end,
    receive never -> erlang:display(wrong) after 10 -> erlang:display(timed_out) end,
    erlang:display(ring(100, 10)),
    %% many workers, results collected in order
    Pids = [spawn(fun() -> Self ! {self(), N * N} end) || N <- [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    erlang:display([receive {Pid, V} -> V end || Pid <- Pids]),
    %% a crash ends one process; its link delivers the reason to a trapping parent
    process_flag(trap_exit, true),
    C = spawn_link(fun() -> exit(boom) end),
    receive {'EXIT', C, Why} -> erlang:display({exited, Why}) end,
    {M, Ref} = spawn_monitor(fun() -> erlang:error(oops) end),
    receive {'DOWN', Ref, process, M, {Reason, _}} -> erlang:display({down, Reason}) end,
    ok.

echo() ->
    receive
        {From, Msg} -> From ! {self(), Msg}, echo();
        stop -> ok
    end.

ring(N, Laps) ->
    Self = self(),
    First = lists_foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, Self, lists_seq(1, N)),
    First ! {token, N * Laps},
    wait_token(First).

wait_token(First) ->
    receive
        {token, 0} -> done;
        {token, K} -> First ! {token, K - 1}, wait_token(First)
    end.

relay(Next) ->
    receive
        {token, 0} = M -> Next ! M;
        {token, K} -> Next ! {token, K - 1}, relay(Next)
    end.

lists_foldl(_, Acc, []) -> Acc;
lists_foldl(F, Acc, [H | T]) -> lists_foldl(F, F(H, Acc), T).

lists_seq(A, B) when A > B -> [];
lists_seq(A, B) -> [A | lists_seq(A + 1, B)].
