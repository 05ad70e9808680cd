%% -on_load(init/0) that returns normal: BEAM runs it as exit(init()), so the
%% process ends normally, but the result is not ok: the module is not loaded.
-module(on_load_normal).
-export([f/0]).
-on_load(init/0).

init() -> normal.

f() -> reached.
