%% Printing through Shoal's own io (compiler/lib), as OTP's io prints.
-module(formatting).
-export([main/0]).

main() ->
    io:format("hello, world~n"),
    io:format("~p ~w ~s ~b ~.16B ~c~n", [{a, "str", [1, 2]}, [x, y], "text", 42, 255, $z]),
    io:format("~p~n", [#{b => 2, a => [1, 2, 3], c => {nested, #{x => y}}}]),
    io:format("~p~n", [lists:seq(1, 40)]),
    io:format("~p~n", [[{key, value, lists:seq(1, 8)} || _ <- lists:seq(1, 4)]]),
    io:format("~10.3f|~-8s|~8s|~e|~g~n", [3.14159, "left", "right", 12345.678, 0.5]),
    io:format("~p ~p ~p ~p~n", [1.0, 0.1, 1.0e10, -2.5e-7]),
    io:format("~p ~p~n", [<<"binary">>, <<1, 2, 3>>]),
    io:format("~p ~p ~p~n", ['Quoted atom', 'receive', plain]),
    io:format("~w~n", [[65, 66, 67]]),
    io:format("~p~n", [[65, 66, 67]]),
    io:format("~ts~n", [[1050, 1080, 1090]]),
    io:format("~s~n", [io_lib:format("~5..0w", [42])]),
    ok.
