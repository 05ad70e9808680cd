%% -on_load(init/0) that raises: the module is not loaded. (on_load_main does
%% not call it: erl would run init at that call; tests/on_load.test.ts checks
%% what Shoal did at start.)
-module(on_load_crash).
-export([f/0]).
-on_load(init/0).

init() -> erlang:error(boom).

f() -> reached.
