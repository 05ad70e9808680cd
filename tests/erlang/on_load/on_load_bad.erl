%% -on_load(init/0) that returns something else than ok: the module is not
%% loaded, and calls to it raise undef.
-module(on_load_bad).
-export([f/0]).
-on_load(init/0).

init() ->
    erlang:display({on_load_bad, init}),
    {error, not_today}.

f() -> reached.
