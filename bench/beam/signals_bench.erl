%% signals: what a process's end costs to reach its links, and how fast a
%% supervisor brings a crashed child back; the shapes bench/signals.ts runs.
%%  - chain: N processes linked in a line; exit(Head, cascade); timed until
%%    the last one is dead (its monitor's 'DOWN'): ns per process.
%%  - restart: a one_for_one supervisor with one permanent child that exits
%%    (boom) as soon as it starts, and intensity K: it restarts the child K
%%    times, then gives up; timed from its start to its 'EXIT': ns per
%%    restart (each a spawn, an exit, the 'EXIT' and the decision). OTP's
%%    logger is off: it would report every restart, and Shoal reports none.
%% Usage: erl -noshell -pa ebin -run signals_bench main [N] [K] -s init stop
-module(signals_bench).
-behaviour(supervisor).
-export([main/0, main/1, init/1, start_child/0]).

main() -> main([]).
main(Args) ->
    logger:set_primary_config(level, none),   % (OTP logs every restart; Shoal does not: compared without)
    [N, K] = case Args of [A, B | _] -> [list_to_integer(A), list_to_integer(B)]; _ -> [10000, 1000] end,
    chain(N div 10), chain(N),                                   % warm-up, then timed
    T = chain(N),
    io:format("RESULT signals.chain_ns_per_process ~.2f ns~n", [T / N]),
    restarts(K div 10),
    io:format("RESULT signals.restart_ns ~.2f ns~n", [restarts(K)]).

chain(N) ->
    Self = self(),
    Head = spawn(fun() -> link_next(N - 1, Self), idle() end),
    Tail = receive {tail, P} -> P end,
    Ref = monitor(process, Tail),
    T0 = erlang:monotonic_time(nanosecond),
    exit(Head, cascade),
    receive {'DOWN', Ref, process, Tail, cascade} -> ok end,
    erlang:monotonic_time(nanosecond) - T0.

link_next(0, Owner) -> Owner ! {tail, self()};
link_next(K, Owner) -> spawn_link(fun() -> link_next(K - 1, Owner), idle() end).

idle() -> receive _ -> idle() end.

init(K) ->
    {ok, {#{strategy => one_for_one, intensity => K, period => 3600},
          [#{id => child, start => {?MODULE, start_child, []}, restart => permanent, shutdown => brutal_kill}]}}.
start_child() -> {ok, spawn_link(fun() -> exit(boom) end)}.

restarts(K) ->
    process_flag(trap_exit, true),
    T0 = erlang:monotonic_time(nanosecond),
    {ok, Sup} = supervisor:start_link(?MODULE, K),
    receive {'EXIT', Sup, shutdown} -> ok end,
    (erlang:monotonic_time(nanosecond) - T0) / (K + 1).
