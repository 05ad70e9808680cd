%% The runtime's own figures: erlang:statistics/1, system_info/1, memory/0,1,
%% processes/0, process_info/2 and garbage_collect/0. Their values differ by machine and
%% runtime, so what is printed is what Erlang defines: the shapes and types,
%% the invariants (total = processes + system), the exact counts
%% (process_count counts processes), statuses, and the errors.
-module(system).
-export([main/0]).

main() ->
    Base = erlang:system_info(process_count),
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 10)],
    erlang:display({spawned, erlang:system_info(process_count) - Base}),
    [wait_status(P, waiting) || P <- Pids],
    erlang:display([erlang:process_info(P, status) || P <- lists:sublist(Pids, 2)]),
    %% processes/0: the caller and every spawned one among them, each alive
    Ps = erlang:processes(),
    erlang:display({processes, lists:member(self(), Ps), [P || P <- Pids, not lists:member(P, Ps)],
                    lists:all(fun erlang:is_process_alive/1, Ps)}),
    erlang:display({limit_above_count, erlang:system_info(process_limit) > erlang:system_info(process_count)}),
    [P ! stop || P <- Pids],
    wait_count(Base),
    erlang:display({after_stop, erlang:system_info(process_count) - Base}),
    erlang:display({listed_after_stop, [P || P <- erlang:processes(), lists:member(P, Pids)]}),
    erlang:display({dead, erlang:process_info(hd(Pids), status), erlang:process_info(hd(Pids), memory)}),
    %% the caller itself
    erlang:display(erlang:process_info(self(), status)),
    erlang:display(erlang:process_info(self(), message_queue_len)),
    self() ! a, self() ! b,
    erlang:display(erlang:process_info(self(), message_queue_len)),
    receive a -> ok end, receive b -> ok end,
    erlang:display(erlang:process_info(self(), priority)),
    process_flag(trap_exit, true),
    erlang:display(erlang:process_info(self(), trap_exit)),
    Self = self(),
    spawn(fun() -> Self ! {child, erlang:process_info(self(), trap_exit), erlang:process_info(self(), priority)} end),
    receive {child, _, _} = Child -> erlang:display(Child) end,
    erlang:display(erlang:process_info(self(), registered_name)),
    register(system_test, self()),
    erlang:display(erlang:process_info(self(), registered_name)),
    unregister(system_test),
    {memory, PM} = erlang:process_info(self(), memory),
    {heap_size, HS} = erlang:process_info(self(), heap_size),
    {total_heap_size, THS} = erlang:process_info(self(), total_heap_size),
    {reductions, R} = erlang:process_info(self(), reductions),
    erlang:display({process_figures, PM > 0, is_integer(HS), THS >= HS, is_integer(R) andalso R >= 0}),
    erlang:display(erlang:garbage_collect()),
    %% memory/0,1
    Mem = erlang:memory(),
    erlang:display([K || {K, _} <- Mem]),
    erlang:display(lists:all(fun({_, V}) -> is_integer(V) andalso V >= 0 end, Mem)),
    erlang:display({total_is_processes_plus_system,
                    proplists:get_value(total, Mem) =:= proplists:get_value(processes, Mem) + proplists:get_value(system, Mem)}),
    erlang:display({used_within, proplists:get_value(processes_used, Mem) =< proplists:get_value(processes, Mem),
                    proplists:get_value(atom_used, Mem) =< proplists:get_value(atom, Mem)}),
    erlang:display([K || {K, V} <- erlang:memory([binary, total]), is_integer(V)]),
    erlang:display(is_integer(erlang:memory(total)) andalso erlang:memory(total) > 0),
    %% statistics/1
    erlang:display(shape(erlang:statistics(reductions))),
    erlang:display(shape(erlang:statistics(exact_reductions))),
    erlang:display(shape(erlang:statistics(runtime))),
    erlang:display(shape(erlang:statistics(wall_clock))),
    erlang:display(shape(erlang:statistics(context_switches))),
    erlang:display(shape(erlang:statistics(total_run_queue_lengths))),
    erlang:display(shape(erlang:statistics(run_queue))),
    erlang:display(shape(erlang:statistics(total_active_tasks))),
    erlang:display(lists:all(fun is_integer/1, erlang:statistics(run_queue_lengths))),
    erlang:display(lists:all(fun is_integer/1, erlang:statistics(active_tasks))),
    {W1, _} = erlang:statistics(wall_clock),
    {W2, _} = erlang:statistics(wall_clock),
    erlang:display({wall_clock_monotonic, W2 >= W1}),
    %% system_info/1
    erlang:display(shape(erlang:system_info(schedulers))),
    erlang:display(erlang:system_info(schedulers_online) =< erlang:system_info(schedulers)),
    erlang:display(erlang:system_info(wordsize)),
    erlang:display({erlang:system_info({wordsize, internal}), erlang:system_info({wordsize, external})}),
    Rel = erlang:system_info(otp_release),
    erlang:display(is_list(Rel) andalso Rel =/= [] andalso lists:all(fun(C) -> C >= $0 andalso C =< $9 end, Rel)),
    erlang:display(erlang:system_info(atom_count) =< erlang:system_info(atom_limit)),
    %% errors
    erlang:display(catch_error(fun() -> erlang:system_info(no_such_item) end)),
    erlang:display(catch_error(fun() -> erlang:statistics(no_such_item) end)),
    erlang:display(catch_error(fun() -> erlang:memory(no_such_type) end)),
    erlang:display(catch_error(fun() -> erlang:memory([total, no_such_type]) end)),
    erlang:display(catch_error(fun() -> erlang:process_info(self(), no_such_item) end)),
    erlang:display(catch_error(fun() -> erlang:process_info(not_a_pid, status) end)),
    ok.

%% The shape of a figure: int for a non-negative integer, a tuple's or list's shapes inside.
shape(I) when is_integer(I), I >= 0 -> int;
shape(T) when is_tuple(T) -> list_to_tuple([shape(E) || E <- tuple_to_list(T)]);
shape(L) when is_list(L) -> [shape(E) || E <- L];
shape(X) -> {other, X}.

catch_error(F) ->
    try F() of V -> {returned, V} catch error:R -> {error, R} end.

%% Yield until P's status is S (a spawned process reaches its receive when it has run).
wait_status(P, S) ->
    case erlang:process_info(P, status) of
        {status, S} -> ok;
        _ -> erlang:yield(), wait_status(P, S)
    end.

%% Yield until the process count is back to N.
wait_count(N) ->
    case erlang:system_info(process_count) of
        N -> ok;
        _ -> erlang:yield(), wait_count(N)
    end.
