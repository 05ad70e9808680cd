%% Integers of any size and floats.
-module(numbers).
-export([main/0, id/1]).

main() ->
    io:format("~p~n", [fact(60)]),
    %% == and the order between integers and floats inside terms (id/1 keeps erlc from folding)
    io:format("~p~n", [{id(1) == id(1.0), id({1, a}) == id({1.0, a}), id([2]) /= id([2.0]), id(#{k => 1}) == id(#{k => 1.0}),
                        id({1}) < id({1.0}), id({1}) >= id({1.0}), id([1, 2]) < id([1.0, 3]), id(pow(2, 70)) == id(pow(2, 70) * 1.0),
                        id({1}) =:= id({1.0}), lists:sort(id([{2.0}, {1}, {2}, {1.0}]))}]),
    io:format("~p~n", [pow(2, 200) - pow(3, 100)]),
    io:format("~p~n", [{pow(2, 100) div pow(3, 20), pow(2, 100) rem pow(3, 20), -pow(7, 30) div 13}]),
    io:format("~p~n", [{1 bsl 70, (1 bsl 70) bsr 65, -(1 bsl 64) band 16#FFFF, bnot (1 bsl 62)}]),
    io:format("~p~n", [{576460752303423487 + 1, -576460752303423488 - 1, 4611686018427387904 * 4}]),
    io:format("~p~n", [{integer_to_list(fact(25)), list_to_integer("-123456789012345678901234567890")}]),
    io:format("~p~n", [{3 / 2, 1.5 * 4, 10 - 0.25, 7 / 7, float(pow(2, 70))}]),
    io:format("~p~n", [{trunc(3.7), round(-2.5), abs(-pow(10, 20)), 1 == 1.0, 1 =:= 1.0, pow(2, 64) > 1.0e19}]),
    io:format("~p~n", [lists:sum([pow(10, N) || N <- lists:seq(1, 25)])]),
    io:format("~p~n", [element(1, catch 1 / zero())]),
    ok.

fact(0) -> 1;
fact(N) -> N * fact(N - 1).

zero() -> 0.

pow(_, 0) -> 1;
pow(B, E) -> B * pow(B, E - 1).

id(X) -> X.
