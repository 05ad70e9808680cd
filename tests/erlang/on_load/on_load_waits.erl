%% -on_load(init/0) that never returns (it waits for a message nothing sends):
%% BEAM would wait for ever; Shoal ends it and leaves the module unloaded.
-module(on_load_waits).
-export([f/0]).
-on_load(init/0).

init() -> receive never -> ok end.

f() -> reached.
