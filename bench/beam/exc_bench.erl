%% (e) exceptions: throw/catch an atom from call depth D (non-tail recursion),
%% N times; plus the same recursion returning normally as a baseline.
%% Usage: erl -noshell -pa ebin -run exc_bench main [N] -s init stop
%%
%% From the team's shared notes, anchors/beam/exc_bench.erl (copied
%% 2026-11-28), extended for bench/exceptions.ts; the original's kernels
%% (throw_loop, ret_loop, deep/1, deep_ret/1) and its metric names are
%% unchanged. Added:
%%   - depth 10 beside 1 and 100;
%%   - the other two classes: error(boom) and exit(boom), caught with
%%     `try ... catch error:boom` / `catch exit:boom`;
%%   - old-style `catch Expr` of each class (an error's value is
%%     {'EXIT', {boom, Stack}}, built from the stack trace; an exit's
%%     {'EXIT', boom}; a throw's the thrown term);
%%   - the recursion called without a try around it (exc.depthD.plain), so
%%     that return_baseline - plain at depth 1 is what an installed handler
%%     never raised to costs, and plain / D what a call costs.
%% Every figure is ns per iteration of its loop (one try, one raise or one
%% call of the recursion).
-module(exc_bench).
-export([main/0, main/1, deep/1, deep_ret/1, deep_error/1, deep_exit/1]).

main() -> main([]).
main(Args) ->
    N = case Args of [A | _] -> list_to_integer(A); [] -> 1000000 end,
    lists:foreach(fun(D) -> run(D, N) end, [1, 10, 100]).

kernels() ->
    [{throw, fun throw_loop/2}, {error, fun error_loop/2}, {exit, fun exit_loop/2},
     {catch_throw, fun catch_throw_loop/2}, {catch_error, fun catch_error_loop/2},
     {catch_exit, fun catch_exit_loop/2},
     {return_baseline, fun ret_loop/2}, {plain, fun plain_loop/2}].

run(D, N) ->
    [K(D, 1000) || {_, K} <- kernels()],        % warm up
    lists:foreach(
      fun({Name, K}) ->
              T0 = erlang:monotonic_time(nanosecond),
              K(D, N),
              T1 = erlang:monotonic_time(nanosecond),
              io:format("RESULT exc.depth~w.~s ~.2f ~s~n", [D, Name, (T1 - T0) / N, unit(Name)])
      end, kernels()).

unit(return_baseline) -> "ns/call";
unit(plain) -> "ns/call";
unit(_) -> "ns/throw".

throw_loop(_D, 0) -> ok;
throw_loop(D, K) ->
    try ?MODULE:deep(D) of
        _ -> erlang:error(not_thrown)
    catch
        throw:boom -> throw_loop(D, K - 1)
    end.

error_loop(_D, 0) -> ok;
error_loop(D, K) ->
    try ?MODULE:deep_error(D) of
        _ -> erlang:error(not_raised)
    catch
        error:boom -> error_loop(D, K - 1)
    end.

exit_loop(_D, 0) -> ok;
exit_loop(D, K) ->
    try ?MODULE:deep_exit(D) of
        _ -> erlang:error(not_exited)
    catch
        exit:boom -> exit_loop(D, K - 1)
    end.

catch_throw_loop(_D, 0) -> ok;
catch_throw_loop(D, K) ->
    boom = (catch ?MODULE:deep(D)),
    catch_throw_loop(D, K - 1).

catch_error_loop(_D, 0) -> ok;
catch_error_loop(D, K) ->
    {'EXIT', {boom, [_ | _]}} = (catch ?MODULE:deep_error(D)),
    catch_error_loop(D, K - 1).

catch_exit_loop(_D, 0) -> ok;
catch_exit_loop(D, K) ->
    {'EXIT', boom} = (catch ?MODULE:deep_exit(D)),
    catch_exit_loop(D, K - 1).

ret_loop(_D, 0) -> ok;
ret_loop(D, K) ->
    try ?MODULE:deep_ret(D) of
        _ -> ret_loop(D, K - 1)
    catch
        throw:boom -> erlang:error(thrown)
    end.

plain_loop(_D, 0) -> ok;
plain_loop(D, K) ->
    case ?MODULE:deep_ret(D) of
        _ -> plain_loop(D, K - 1)
    end.

%% depth D frames, the innermost throws. Not tail-recursive (1 + ...).
deep(1) -> throw(boom);
deep(D) -> 1 + deep(D - 1).

deep_error(1) -> erlang:error(boom);
deep_error(D) -> 1 + deep_error(D - 1).

deep_exit(1) -> exit(boom);
deep_exit(D) -> 1 + deep_exit(D - 1).

deep_ret(1) -> 0;
deep_ret(D) -> 1 + deep_ret(D - 1).
