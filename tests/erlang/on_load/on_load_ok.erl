%% -on_load(init/0) that returns ok: init runs in a process of its own before
%% the module's first call returns, and what it registers outlives it.
-module(on_load_ok).
-export([hello/0]).
-on_load(init/0).

init() ->
    erlang:display({on_load_ok, init}),
    register(on_load_keeper, spawn(fun keeper/0)),
    register(on_load_init_process, self()),   % (unregistered when init's process ends)
    ok.

keeper() ->
    receive {From, get} -> From ! {self(), kept}, keeper() end.

hello() -> hello.
