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
    %% erlang:yield() in a loop with live values (in the frame across the yield), five processes at once
    erlang:display(yielders()),
    %% many workers, results collected in order
    Pids = [spawn(fun() -> Self ! {self(), N * N} end) || N <- [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    erlang:display([receive {Pid, V} -> V end || Pid <- Pids]),
    %% a crash ends one process; its link delivers the reason to a trapping parent
    process_flag(trap_exit, true),
    C = spawn_link(fun() -> exit(boom) end),
    receive {'EXIT', C, Why} -> erlang:display({exited, Why}) end,
    {M, Ref} = spawn_monitor(fun() -> erlang:error(oops) end),
    receive {'DOWN', Ref, process, M, {Reason, _}} -> erlang:display({down, Reason}) end,
    killed_by_own_call(),
    many_waiting(5000),
    ok.

%% A spawner preempted (its slice's reductions spent) while thousands of its children wait in a
%% receive running the same module's code: its registers survive them.
many_waiting(N) ->
    Self = self(),
    Pids = spawn_waiting(N, Self, []),
    [P ! stop || P <- Pids],
    erlang:display({stopped, count_acks(N, 0)}).

spawn_waiting(0, _, Acc) -> Acc;
spawn_waiting(K, Parent, Acc) ->
    P = spawn(fun() -> receive stop -> Parent ! ack end end),
    spawn_waiting(K - 1, Parent, [P | Acc]).

count_acks(0, Acc) -> Acc;
count_acks(K, Acc) -> receive ack -> count_acks(K - 1, Acc + 1) end.

%% A process whose exit(B, kill) ends B, linked to it, is ended by B's exit signal, but after the
%% call returns: it goes on to its next scheduling point (here, inside a loop); one that returns
%% first ends normally.
killed_by_own_call() ->
    Self = self(),
    {A, Ref} = spawn_monitor(fun() ->
        B = spawn_link(fun() -> receive never -> ok end end),
        receive go -> ok end,
        exit(B, kill),
        Self ! after_exit_call,
        count_down(100000),
        Self ! after_loop
    end),
    A ! go,
    receive {'DOWN', Ref, process, A, R} -> erlang:display({down, R}) end,
    receive after_exit_call -> erlang:display(after_exit_call) after 0 -> erlang:display(missing) end,
    receive after_loop -> erlang:display(after_loop) after 0 -> erlang:display(no_after_loop) end,
    {A2, Ref2} = spawn_monitor(fun() ->
        B = spawn_link(fun() -> receive never -> ok end end),
        receive go -> ok end,
        exit(B, kill),
        Self ! returned
    end),
    A2 ! go,
    receive {'DOWN', Ref2, process, A2, R2} -> erlang:display({down, R2}) end,
    receive returned -> erlang:display(returned) after 0 -> erlang:display(missing) end.

count_down(0) -> ok;
count_down(N) -> count_down(N - 1).

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

yielders() ->
    Self = self(),
    Ps = [spawn(fun() -> Self ! {self(), yield_loop(I * 100, I, [])} end) || I <- lists:seq(1, 5)],
    [receive {P, R} -> R end || P <- Ps].

yield_loop(0, I, Acc) -> {I, length(Acc), lists:sum(Acc)};
yield_loop(K, I, Acc) -> true = erlang:yield(), yield_loop(K - 1, I, [K * I | Acc]).
