%% Funs of no free variables: the compiler makes each a literal (compiler/codegen/literals.ts
%% lambdaFun), which a spawned child shares instead of a copy (sent, it is copied as any term). Whatever the runtime does with them must read as the BEAM's funs do:
%% equality, calls after collections in another process, spawn, recursion of a named fun.
-module(fun_literals).
-export([main/0]).

main() ->
    F = fun() -> 42 end,
    G = fun() -> 42 end,
    io:format("equal ~p ~p ~p~n", [F =:= F, F =:= G, F() + G()]),
    Mk = fun() -> fun() -> same end end,
    io:format("same lambda twice ~p ~p~n", [Mk() =:= Mk(), (Mk())()]),
    Fact = fun Fact(0) -> 1; Fact(N) -> N * Fact(N - 1) end,
    io:format("named ~p~n", [Fact(25)]),
    io:format("is_function ~p ~p~n", [is_function(F), is_function(F, 0)]),
    %% many copies of one literal fun through a collection
    L = lists:duplicate(1000, fun() -> x end),
    erlang:garbage_collect(),
    io:format("kept ~p~n", [length([ok || Fn <- L, Fn() =:= x])]),
    %% spawned (nothing copied into the child), the child collects, then answers by name
    register(fun_literals_main, self()),
    [spawn(fun() ->
        _ = lists:seq(1, 20000),
        erlang:garbage_collect(),
        fun_literals_main ! child_done
     end) || _ <- lists:seq(1, 50)],
    io:format("children ~p~n", [collect(50)]),
    %% sent in a message to another process, which collects before calling it
    P = spawn(fun() -> receive {call, Fun, From} -> _ = lists:seq(1, 20000), erlang:garbage_collect(), From ! {result, Fun()} end end),
    P ! {call, fun() -> {called, [1, 2, 3]} end, self()},
    receive {result, R} -> io:format("sent ~p~n", [R]) end,
    %% a constant message (a literal): the receiver keeps it past a collection
    Q = spawn(fun() -> receive {back, Term, From} -> erlang:garbage_collect(), From ! {echo, Term} end end),
    Q ! {back, {const, [a, b, c], <<"bin">>}, self()},
    receive {echo, E} -> io:format("echo ~p~n", [E]) end,
    %% spawned and monitored: ends normal
    {W, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, W, Why} -> io:format("down ~p~n", [Why]) end,
    unregister(fun_literals_main),
    ok.

collect(0) -> 0;
collect(N) -> receive child_done -> 1 + collect(N - 1) end.
