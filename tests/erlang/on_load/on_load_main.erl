%% Calls the three -on_load modules first (erl loads a module at its first call,
%% and runs its on_load then; Shoal runs them all before the program), then
%% shows what their on_load functions did.
-module(on_load_main).
-export([main/0]).

main() ->
    Bad = try on_load_bad:f() catch C:R -> {C, R} end,
    Normal = try on_load_normal:f() catch C2:R2 -> {C2, R2} end,
    Hello = on_load_ok:hello(),
    erlang:display({bad, Bad}),
    erlang:display({normal, Normal}),
    erlang:display({hello, Hello}),
    Keeper = whereis(on_load_keeper),
    erlang:display({keeper, is_pid(Keeper), Keeper =/= self()}),
    Keeper ! {self(), get},
    receive {Keeper, Kept} -> erlang:display(Kept) end,
    erlang:display({init_process, whereis(on_load_init_process)}).
