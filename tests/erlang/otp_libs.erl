%% OTP's lists, maps and proplists, compiled unmodified from the installed .beam files.
-module(otp_libs).
-export([main/0]).

main() ->
    L = [5, 3, 8, 1, 9, 2, 7],
    io:format("~p~n", [lists:sort(L)]),
    io:format("~p~n", [lists:usort([3, 1, 3, 2, 1])]),
    io:format("~p~n", [lists:map(fun(X) -> X * X end, L)]),
    io:format("~p~n", [lists:filter(fun(X) -> X rem 2 =:= 0 end, L)]),
    io:format("~p~n", [lists:foldl(fun(X, A) -> X + A end, 0, L)]),
    io:format("~p~n", [lists:keysort(2, [{a, 3}, {b, 1}, {c, 2}])]),
    io:format("~p~n", [lists:zip([a, b, c], [1, 2, 3])]),
    io:format("~p~n", [lists:flatten([1, [2, [3, [4]], 5]])]),
    io:format("~p~n", [{lists:nth(3, L), lists:last(L), lists:sublist(L, 2, 3), lists:duplicate(3, x)}]),
    io:format("~p~n", [lists:reverse(lists:seq(1, 10))]),
    io:format("~p~n", [{lists:member(8, L), lists:keyfind(b, 1, [{a, 1}, {b, 2}]), lists:max(L), lists:min(L)}]),
    io:format("~p~n", [lists:append([[1], [2, 3], [4]])]),
    io:format("~p~n", [lists:partition(fun(X) -> X > 4 end, L)]),
    M = maps:from_list([{one, 1}, {two, 2}, {three, 3}]),
    io:format("~p~n", [M]),
    io:format("~p~n", [{maps:get(two, M), maps:get(four, M, default), maps:is_key(one, M), maps:size(M)}]),
    io:format("~p~n", [lists:sort(maps:keys(M))]),
    io:format("~p~n", [maps:to_list(maps:map(fun(_, V) -> V * 10 end, M))]),
    io:format("~p~n", [maps:fold(fun(_, V, A) -> V + A end, 0, M)]),
    io:format("~p~n", [maps:filter(fun(K, _) -> K =/= two end, M)]),
    io:format("~p~n", [maps:merge(M, #{four => 4, one => 100})]),
    io:format("~p~n", [maps:remove(one, M)]),
    P = [{name, "shoal"}, {size, 3}, debug],
    io:format("~p~n", [{proplists:get_value(name, P), proplists:get_value(missing, P, none), proplists:get_bool(debug, P)}]),
    io:format("~p~n", [proplists:delete(size, P)]),
    ok.
