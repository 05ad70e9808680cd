%% Maps of more than 32 keys (hash tries on BEAM and on Shoal, gc/term/hashmap.ts):
%% building, put/update/remove across the 32-key boundary both ways, lookups,
%% every listing order (to_list, keys, values, fold, iterator/next, ~w and ~p,
%% term_to_binary), merge, from_list with duplicates, equality and order,
%% patterns, phash2, a round trip through the external format, a send, and
%% collections. Keys are integers, floats, binaries, bitstrings, strings,
%% lists, tuples and small maps: terms whose hash BEAM computes from the term
%% alone (atoms and pids are hashed by their table index, so maps keyed by
%% them iterate in another order on Shoal: not tested here).
-module(big_maps).
-export([main/0]).

main() ->
    boundary(),
    key_kinds(),
    lookups(),
    merges(),
    equality(),
    patterns(),
    external(),
    send(),
    collections(),
    large(),
    library(),
    ok.

show(Name, M) ->
    io:format("~s size ~w~n", [Name, map_size(M)]),
    io:format(" to_list ~w~n", [maps:to_list(M)]),
    io:format(" keys ~w~n", [maps:keys(M)]),
    io:format(" values ~w~n", [maps:values(M)]),
    io:format(" fold ~w~n", [maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], M)]),
    io:format(" next ~w~n", [walk(maps:next(maps:iterator(M)))]),
    io:format(" w ~w~n", [M]),
    io:format(" p ~p~n", [M]),
    io:format(" phash2 ~w ~w~n", [erlang:phash2(M), erlang:phash2(M, 1000)]).

walk(none) -> [];
walk({K, V, I}) -> [{K, V} | walk(maps:next(I))].

ints(From, To) -> maps:from_list([{I, I * I} || I <- lists:seq(From, To)]).

%% put one key at a time from 28 to 40 keys, then remove back to 25: both conversions
boundary() ->
    M28 = ints(1, 28),
    Up = lists:foldl(fun(K, M) ->
                             M2 = M#{K => K * 10},
                             io:format("up ~w: ~w~n", [map_size(M2), maps:keys(M2)]),
                             M2
                     end, M28, lists:seq(29, 40)),
    show("up", Up),
    Down = lists:foldl(fun(K, M) ->
                               M2 = maps:remove(K, M),
                               io:format("down ~w: ~w~n", [map_size(M2), maps:keys(M2)]),
                               M2
                       end, Up, lists:seq(3, 40, 3)),
    show("down", Down),
    %% update in place across sizes, put of a key already there, remove of a missing key
    U = Up#{7 := seven, 33 := thirty_three},
    show("update", U),
    io:format("same ~w ~w~n", [maps:put(5, 50, Up) =:= Up#{5 => 50}, maps:remove(1000, Up) =:= Up]),
    %% take across the boundary: 33 -> 32 and 40 -> 39
    {V33, T32} = maps:take(17, ints(1, 33)),
    io:format("take ~w ~w ~w~n", [V33, map_size(T32), maps:keys(T32)]),
    {V40, T39} = maps:take(40, Up),
    io:format("take ~w ~w ~w~n", [V40, map_size(T39), maps:keys(T39)]),
    io:format("take missing ~w~n", [maps:take(1000, Up)]),
    %% remove down to empty, one by one, in key order
    Empty = lists:foldl(fun maps:remove/2, Up, lists:seq(1, 40)),
    io:format("empty ~w ~w~n", [Empty, Empty =:= #{}]).

key_kinds() ->
    show("negative", maps:from_list([{-I * 7, I} || I <- lists:seq(1, 40)])),
    show("bigints", maps:from_list([{(1 bsl 70) + I * 1000003, I} || I <- lists:seq(1, 36)] ++
                                       [{-(1 bsl 64) - I, I} || I <- lists:seq(1, 4)])),
    show("mixed ints", maps:from_list([{(1 bsl 59) - I, I} || I <- lists:seq(1, 20)] ++
                                          [{1 bsl (27 + I), I} || I <- lists:seq(1, 20)])),
    show("floats", maps:from_list([{I / 4, I} || I <- lists:seq(1, 40)])),
    show("binaries", maps:from_list([{<<"key-", (integer_to_binary(I))/binary, "-", (list_to_binary(lists:duplicate(I, $x)))/binary>>, I}
                                      || I <- lists:seq(1, 40)])),
    show("bitstrings", maps:from_list([{<<I:13>>, I} || I <- lists:seq(1, 40)])),
    show("strings", maps:from_list([{"word" ++ integer_to_list(I), I} || I <- lists:seq(1, 40)])),
    show("lists", maps:from_list([{[I * 1000, [I], <<I>>, I + 0.5], I} || I <- lists:seq(1, 40)])),
    show("improper", maps:from_list([{[I | I + 1], I} || I <- lists:seq(1, 40)])),
    show("tuples", maps:from_list([{{I, <<"b">>, "s", {I * 3}}, I} || I <- lists:seq(1, 40)])),
    show("small maps", maps:from_list([{#{1 => I, 2 => "x"}, I} || I <- lists:seq(1, 40)])),
    show("mixed", maps:from_list([{I, int} || I <- lists:seq(1, 10)] ++ [{I + 0.5, float} || I <- lists:seq(1, 10)] ++
                                     [{integer_to_binary(I), bin} || I <- lists:seq(1, 10)] ++
                                     [{{I}, tuple} || I <- lists:seq(1, 10)] ++ [{[], nil}, {{}, empty_tuple}])),
    %% a big map as a value, and as a key of a small map
    Big = ints(1, 50),
    show("nested", maps:from_list([{I, Big#{I => x}} || I <- lists:seq(1, 35)])),
    io:format("as key ~w~n", [maps:get(Big, #{Big => found, 1 => one})]).

lookups() ->
    M = ints(1, 200),
    io:format("get ~w ~w ~w~n", [maps:get(150, M), maps:get(1000, M, default), map_get(7, M)]),
    io:format("find ~w ~w~n", [maps:find(199, M), maps:find(0, M)]),
    io:format("is_key ~w ~w ~w~n", [maps:is_key(200, M), maps:is_key(201, M), is_map_key(1.0, M)]),
    io:format("float key ~w~n", [try maps:get(1.0, M) catch error:E1 -> E1 end]),
    io:format("badkey ~w~n", [try maps:update(500, x, M) catch error:E2 -> E2 end]),
    io:format("size ~w ~w~n", [map_size(M), maps:size(M)]),
    Bin = maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 100)]),
    io:format("bin get ~w ~w~n", [maps:get(<<"77">>, Bin), maps:find(<<"777">>, Bin)]),
    T = maps:from_list([{{I, "s"}, I} || I <- lists:seq(1, 100)]),
    io:format("tuple get ~w ~w~n", [maps:get({42, "s"}, T), maps:find({42, "t"}, T)]).

merges() ->
    A = ints(1, 30), B = ints(20, 60), C = maps:from_list([{I, b} || I <- lists:seq(25, 35)]),
    show("merge big big", maps:merge(B, maps:from_list([{I, x} || I <- lists:seq(50, 90)]))),
    show("merge small small", maps:merge(A, C)),
    show("merge big small", maps:merge(B, C)),
    show("merge small big", maps:merge(C, B)),
    show("merge empty", maps:merge(#{}, B)),
    io:format("merge shared ~w~n", [maps:merge(B, B) =:= B]),
    show("dups", maps:from_list([{I rem 45, I} || I <- lists:seq(1, 120)])),
    show("from_keys", maps:from_keys(lists:seq(100, 140) ++ lists:seq(100, 110), v)).

equality() ->
    ByList = ints(1, 40),
    ByPut = lists:foldl(fun(I, M) -> M#{I => I * I} end, #{}, lists:reverse(lists:seq(1, 40))),
    ByRemove = maps:remove(41, maps:remove(42, ints(1, 42))),
    Literal = #{1 => 1, 2 => 4, 3 => 9, 4 => 16, 5 => 25, 6 => 36, 7 => 49, 8 => 64, 9 => 81, 10 => 100,
                11 => 121, 12 => 144, 13 => 169, 14 => 196, 15 => 225, 16 => 256, 17 => 289, 18 => 324,
                19 => 361, 20 => 400, 21 => 441, 22 => 484, 23 => 529, 24 => 576, 25 => 625, 26 => 676,
                27 => 729, 28 => 784, 29 => 841, 30 => 900, 31 => 961, 32 => 1024, 33 => 1089, 34 => 1156,
                35 => 1225, 36 => 1296, 37 => 1369, 38 => 1444, 39 => 1521, 40 => 1600},
    Decoded = binary_to_term(term_to_binary(ByList)),
    All = [ByList, ByPut, ByRemove, Literal, Decoded],
    io:format("exact ~w~n", [[X =:= Y || X <- All, Y <- All]]),
    io:format("order ~w~n", [[X < Y || X <- All, Y <- All]]),
    show("literal", Literal),
    show("literal put", Literal#{41 => 0}),
    show("literal remove", maps:remove(40, Literal)),
    show("decoded", Decoded),
    Floats = maps:map(fun(_, V) -> float(V) end, ByList),
    %% (not ==, < or > between them: compiled code compares with term_compare, whose order is made
    %% total, so {1} == {1.0} is false on Shoal today, big map or not)
    io:format("float values ~w ~w~n", [Floats =:= ByList, maps:get(40, Floats)]),
    Other = ByList#{40 := 0},
    Keyed = maps:remove(40, ByList#{41 => 1600}),
    io:format("values ~w ~w ~w~n", [Other < ByList, ByList < Other, Other == ByList]),
    io:format("keys ~w ~w~n", [Keyed < ByList, ByList < Keyed]),
    io:format("sizes ~w ~w~n", [ints(1, 32) < ByList, ints(1, 41) > ByList]),
    Sorted = lists:sort([Other, Keyed, ByList, ints(1, 33), ints(2, 41), Floats]),
    io:format("sorted ~w~n", [[{map_size(S), lists:sum(maps:values(S)), maps:is_key(1, S)} || S <- Sorted]]),
    %% big maps as keys of big maps: compared, not hashed
    io:format("map of maps ~w~n", [maps:get(ByPut, maps:from_list([{ints(1, I), I} || I <- lists:seq(30, 45)]))]).

pick(#{5 := A, 37 := B}) -> {big, A, B};
pick(#{}) -> none.

nested(#{inner := #{40 := X} = Inner}) when map_size(Inner) > 32 -> {inner, X};
nested(_) -> no.

patterns() ->
    io:format("pick ~w ~w ~w~n", [pick(ints(1, 40)), pick(ints(6, 40)), pick(ints(1, 10))]),
    io:format("nested ~w ~w~n", [nested(#{inner => ints(1, 40)}), nested(#{inner => ints(1, 39)})]),
    M = ints(1, 50),
    #{10 := Ten, 50 := Fifty} = M,
    io:format("match ~w ~w~n", [Ten, Fifty]),
    case M of
        #{51 := _} -> io:format("wrong~n");
        #{49 := X} -> io:format("case ~w~n", [X])
    end.

external() ->
    Ms = [ints(1, 40), maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 50)]),
          maps:from_list([{{I, "t"}, I} || I <- lists:seq(1, 35)])],
    lists:foreach(fun(M) ->
                          B = term_to_binary(M),
                          io:format("etf ~w ~w ~w~n", [byte_size(B), erlang:phash2(B), binary_to_term(B) =:= M])
                  end, Ms),
    io:format("etf bytes ~w~n", [term_to_binary(ints(1, 36))]),
    io:format("etf nested ~w~n", [erlang:phash2(term_to_binary(#{a => ints(1, 40), b => [ints(5, 45)]}))]).

send() ->
    Self = self(),
    M = maps:from_list([{I, lists:seq(1, I rem 5)} || I <- lists:seq(1, 300)]),
    Pid = spawn(fun() -> receive {From, X} -> From ! {self(), maps:put(0, zero, X), maps:to_list(maps:with(lists:seq(1, 40), X))} end end),
    Pid ! {Self, M},
    receive
        {Pid, Back, L} ->
            io:format("sent ~w ~w ~w ~w~n", [map_size(Back), maps:remove(0, Back) =:= M, maps:get(0, Back), L])
    end.

collections() ->
    Ms = [maps:from_list([{I * K, {I, K}} || I <- lists:seq(1, 100 * K)]) || K <- lists:seq(1, 5)],
    Garbage = churn(200000, []),
    Ms2 = [maps:put(-1, K, M) || {K, M} <- lists:zip(lists:seq(1, 5), Ms)],
    _ = churn(200000, []),
    io:format("collected ~w ~w~n", [length(Garbage),
                                    [{map_size(M), maps:get(-1, M), maps:get(K * 7, M), lists:sum([I || {_, {I, _}} <- maps:to_list(maps:remove(-1, M))])}
                                     || {K, M} <- lists:zip(lists:seq(1, 5), Ms2)]]),
    io:format("collected ~w~n", [[erlang:phash2(M) || M <- Ms]]).

churn(0, Acc) -> Acc;
churn(N, _Acc) when N rem 1000 =:= 0 -> churn(N - 1, [N]);
churn(N, Acc) -> churn(N - 1, [{N, [N]} | Acc]).

large() ->
    M = lists:foldl(fun(I, A) -> A#{I => I} end, #{}, lists:seq(1, 10000)),
    io:format("large ~w ~w ~w~n", [map_size(M), erlang:phash2(M), lists:sublist(maps:to_list(M), 20)]),
    io:format("large keys ~w~n", [lists:sublist(maps:keys(M), 3000, 20)]),
    io:format("large next ~w~n", [lists:sublist(walk(maps:next(maps:iterator(M))), 20)]),
    Half = lists:foldl(fun maps:remove/2, M, lists:seq(2, 10000, 2)),
    io:format("half ~w ~w ~w~n", [map_size(Half), erlang:phash2(Half), lists:sublist(maps:keys(Half), 20)]),
    Words = lists:foldl(fun(W, A) -> A#{W => maps:get(W, A, 0) + 1} end, #{},
                        [integer_to_binary(I rem 1500) || I <- lists:seq(1, 20000)]),
    io:format("words ~w ~w ~w~n", [map_size(Words), erlang:phash2(Words), lists:sublist(maps:to_list(Words), 10)]).

library() ->
    M = ints(1, 60),
    show("filter", maps:filter(fun(K, _) -> K rem 3 =/= 0 end, M)),
    show("map", maps:map(fun(K, V) -> V - K end, M)),
    show("with", maps:with(lists:seq(10, 50), M)),
    show("without", maps:without(lists:seq(10, 50), M)),
    io:format("filtermap ~w~n", [maps:filtermap(fun(K, V) when K > 30 -> {true, V}; (_, _) -> false end, M)]),
    io:format("update_with ~w~n", [maps:get(60, maps:update_with(60, fun(V) -> V + 1 end, M))]),
    io:format("foreach~n"), maps:foreach(fun(K, V) -> io:format(" ~w:~w", [K, V]) end, ints(1, 34)), io:format("~n"),
    io:format("groups ~w~n", [maps:groups_from_list(fun(X) -> X rem 40 end, lists:seq(1, 100))]),
    io:format("intersect ~w~n", [maps:intersect(M, ints(40, 100))]).
