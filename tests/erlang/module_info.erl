%% module_info/0,1 as erlc generates them (calls to erlang:get_module_info/1,2):
%% every item BEAM answers for a loaded module, and a bad item's badarg with its trace.
-module(module_info).
-export([main/0, double/1]).
-vsn("1.0").
-author(shoal).
-custom({tag, "text", [1, 2.5, <<"bin">>]}).

main() ->
    [io:format("~p: ~p~n", [Item, module_info(Item)])
     || Item <- [module, exports, functions, attributes, compile, md5, nifs]],
    io:format("~p~n", [module_info()]),
    io:format("~p~n", [proplists:get_value(exports, module_info()) =:= module_info(exports)]),
    io:format("~p~n", [[try module_info(Bad) catch error:R -> R end || Bad <- [foo, 42, "exports"]]]),
    %% by hand, with this module's name in a variable
    M = ?MODULE,
    io:format("~p~n", [erlang:get_module_info(M, md5) =:= module_info(md5)]),
    io:format("~p~n", [double(21)]),
    %% a bad item's stack trace: the BIF's frame, then module_info/1's (in a process of its own: under
    %% erl, main's callers are erl_eval's)
    [trace(F) || F <- [fun() -> module_info(id(foo)) end, fun() -> lists:module_info(id(foo)) end,
                       fun() -> erlang:get_module_info(id(lists), foo) end]].

trace(F) ->
    Self = self(),
    spawn(fun() -> Self ! {trace, try F() catch error:R:S -> {R, S} end} end),
    receive {trace, T} -> io:format("~p~n", [T]) end.

id(X) -> X.

double(X) -> apply_twice(fun(Y) -> Y + Y end, X) div 2.

apply_twice(F, X) -> F(F(X)).
