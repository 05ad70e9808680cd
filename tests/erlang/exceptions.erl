%% Exceptions: each class caught at depth and rethrown, catch, after, nested handlers.
-module(exceptions).
-export([main/0]).

main() ->
    erlang:display([catcher(C, D) || C <- [throw, error, exit], D <- [1, 10, 100]]),
    erlang:display(catch throw(t)),
    erlang:display(catch 1 + 2),
    erlang:display(catch exit(e)),
    erlang:display(element(1, catch error(r))),
    erlang:display(nested()),
    erlang:display(afters()),
    erlang:display(get(after_ran)),
    erlang:display(rethrow()),
    erlang:display(try badmatch(2) catch error:{badmatch, V} -> {badmatch, V} end),
    erlang:display(try case_clause(q) catch error:E -> E end),
    erlang:display(try no_clause(7) catch error:E2 -> E2 end),
    erlang:display(try 1 + list_to_atom_or_not() catch error:E3 -> E3 end),
    erlang:display(try of_clause(1) catch C4:E4 -> {C4, E4} end),
    %% the top frame of a stack trace: the raising function, its arity (or, for a
    %% function_clause, its arguments) and its file and line
    erlang:display(try raiser() catch error:boom:S -> hd(S) end),
    erlang:display(try no_clause(7) catch error:function_clause:S2 -> hd(S2) end),
    ok.

raiser() -> error(boom).

catcher(Class, Depth) ->
    try deep(Class, Depth) of
        _ -> not_raised
    catch
        throw:V -> {thrown, V};
        error:V -> {error, V};
        exit:V -> {exit, V}
    end.

deep(Class, 0) -> erlang:Class({depth_reached, Class});
deep(Class, N) -> [N | deep(Class, N - 1)].

nested() ->
    try
        try throw(inner) catch throw:inner -> throw(outer) end
    catch
        throw:outer -> caught_outer
    end.

afters() ->
    try
        try throw(x) after put(after_ran, yes) end
    catch throw:x -> after_and_caught
    end.

rethrow() ->
    try
        try error(first) catch error:second -> not_this end
    catch error:first -> rethrown
    end.

badmatch(X) -> 1 = X.
case_clause(X) -> case X of a -> 1; b -> 2 end.
no_clause(a) -> ok.
list_to_atom_or_not() -> foo.
of_clause(X) -> try X of 2 -> two catch _:_ -> caught end.
