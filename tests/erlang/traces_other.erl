%% The second module of tests/erlang/traces.erl: calls back and forth between
%% two modules, each body call a frame of the trace.
-module(traces_other).
-export([main/0, there/2, back_again/1]).

%% run from main (under `erl -eval`, whose frames erl_eval's and init's are below
%% main's on the BEAM and not on Shoal): only this program's frames are printed
main() ->
    S = try there(2, e) catch error:e:S0 -> S0 end,
    io:format("~p~n", [[F || {M, _, _, _} = F <- S, M =:= traces orelse M =:= traces_other]]).

there(0, E) -> {there, traces:boom(E)};
there(N, E) -> [there(N - 1, E)].

back_again(E) -> {again, [traces:back(E)]}.
