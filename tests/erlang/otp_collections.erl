%% OTP's sets, ordsets, orddict, dict, queue, gb_trees, gb_sets, array and
%% more of lists, compiled unmodified. Sets and dicts whose representation
%% BEAM does not define are printed through to_list, sorted.
-module(otp_collections).
-export([main/0]).

main() ->
    sets(),
    orddicts(),
    dicts(),
    queues(),
    trees(),
    arrays(),
    more_lists(),
    ok.

sets() ->
    S = sets:from_list([3, 1, 4, 1, 5, 9, 2, 6]),
    S2 = sets:from_list([2, 7, 1, 8]),
    p({sets:size(S), sorted(S), sets:is_element(4, S), sets:is_element(7, S), sets:is_set(S), sets:is_empty(sets:new())}),
    p({sorted(sets:union(S, S2)), sorted(sets:intersection(S, S2)), sorted(sets:subtract(S, S2)), sets:is_subset(sets:from_list([1, 2]), S),
       sets:is_disjoint(S, sets:from_list([100]))}),
    p({sorted(sets:add_element(10, S)), sorted(sets:del_element(3, S)), sorted(sets:filter(fun(X) -> X rem 2 =:= 0 end, S)),
       sets:fold(fun(X, A) -> X + A end, 0, S), sorted(sets:union([S, S2, sets:from_list([42])]))}),
    V2 = sets:from_list([a, b, c], [{version, 2}]),
    p({lists:sort(sets:to_list(V2)), sets:size(sets:add_element(d, V2)), sets:is_element(b, V2)}),
    O = ordsets:from_list([c, a, b, a]),
    p({O, ordsets:add_element(d, O), ordsets:del_element(a, O), ordsets:union(O, [x, y]), ordsets:intersection(O, [b, z]),
       ordsets:subtract(O, [a]), ordsets:is_element(b, O), ordsets:is_subset([a], O), ordsets:union([[1], [3, 2], [0]])}).

orddicts() ->
    D = orddict:store(b, 2, orddict:store(a, 1, orddict:new())),
    p({D, orddict:fetch(a, D), orddict:find(c, D), orddict:to_list(orddict:erase(a, D)), orddict:is_key(b, D)}),
    p({orddict:from_list([{z, 1}, {y, 2}, {z, 3}]), orddict:update_counter(a, 5, D), orddict:append(k, v, orddict:new()),
       orddict:map(fun(_, V) -> V * 10 end, D), orddict:fold(fun(K, V, A) -> [{V, K} | A] end, [], D),
       orddict:merge(fun(_, A, B) -> A + B end, D, [{a, 100}, {c, 3}]), orddict:fetch_keys(D), orddict:size(D), orddict:take(a, D)}).

dicts() ->
    D = dict:from_list([{K, K * K} || K <- lists:seq(1, 20)]),
    p({dict:size(D), dict:fetch(7, D), dict:find(30, D), dict:is_key(3, D), lists:sort(dict:fetch_keys(D))}),
    D2 = dict:update_counter(7, 1, dict:erase(1, dict:store(21, 0, D))),
    p({lists:sort(dict:to_list(D2)), dict:size(D2)}),
    D3 = dict:append(k, 1, dict:append(k, 2, dict:new())),
    p({dict:fetch(k, D3), lists:sort(dict:to_list(dict:map(fun(_, V) -> V + 1 end, dict:from_list([{a, 1}, {b, 2}])))),
       dict:fold(fun(_, V, A) -> V + A end, 0, D), lists:sort(dict:to_list(dict:filter(fun(K, _) -> K < 4 end, D))),
       lists:sort(dict:to_list(dict:merge(fun(_, A, B) -> A - B end, dict:from_list([{a, 1}, {b, 5}]), dict:from_list([{b, 2}, {c, 3}]))))}).

queues() ->
    Q = queue:in(3, queue:in(2, queue:in(1, queue:new()))),
    {{value, First}, Q2} = queue:out(Q),
    p({First, queue:to_list(Q2), queue:len(Q2), queue:is_empty(queue:new()), queue:out(queue:new())}),
    Q3 = queue:from_list(lists:seq(1, 10)),
    {A, B} = queue:split(4, Q3),
    p({queue:to_list(A), queue:to_list(B), queue:peek(Q3), queue:peek_r(Q3), queue:to_list(queue:reverse(A)),
       queue:to_list(queue:join(B, A)), queue:member(5, Q3), queue:to_list(queue:filter(fun(X) -> X rem 3 =:= 0 end, Q3)),
       queue:to_list(queue:in_r(0, A)), queue:out_r(A), queue:get(Q3), queue:get_r(Q3), queue:to_list(queue:drop(Q3)), queue:len(Q3)}),
    p({queue:head(Q3), queue:last(Q3), queue:to_list(queue:tail(Q3)), queue:to_list(queue:init(Q3)), queue:fold(fun(X, S) -> X + S end, 0, Q3),
       queue:any(fun(X) -> X > 9 end, Q3), queue:all(fun(X) -> X > 0 end, Q3), queue:to_list(queue:delete(3, Q3))}),
    p(try queue:get(queue:new()) catch error:R -> {caught, R} end).

trees() ->
    T = gb_trees:from_orddict([{K, K * K} || K <- lists:seq(1, 10)]),
    p({gb_trees:get(7, T), gb_trees:size(T), gb_trees:keys(gb_trees:delete(5, T)), gb_trees:lookup(11, T), gb_trees:lookup(3, T)}),
    T2 = lists:foldl(fun(K, Acc) -> gb_trees:enter(K, integer_to_list(K), Acc) end, gb_trees:empty(), [5, 3, 8, 1, 4, 7, 9, 2, 6]),
    p({gb_trees:to_list(T2), gb_trees:smallest(T2), gb_trees:largest(T2), gb_trees:is_defined(4, T2), gb_trees:values(gb_trees:update(1, one, T2))}),
    {K0, V0, T3} = gb_trees:take_smallest(T2),
    p({K0, V0, gb_trees:size(T3), gb_trees:to_list(gb_trees:map(fun(K, _) -> K * 2 end, T3)), gb_trees:to_list(gb_trees:balance(T3))}),
    It = gb_trees:iterator(T3),
    {Ka, _, It2} = gb_trees:next(It),
    {Kb, _, _} = gb_trees:next(It2),
    p({Ka, Kb, gb_trees:next(gb_trees:iterator(gb_trees:empty())), gb_trees:take(3, gb_trees:from_orddict([{3, c}]))}),
    p(try gb_trees:insert(1, x, T2) catch error:R -> {caught, R} end),
    Big = lists:foldl(fun(K, Acc) -> gb_trees:insert(K, K, Acc) end, gb_trees:empty(), lists:seq(1, 1000)),
    p({gb_trees:size(Big), gb_trees:get(500, Big), lists:sum(gb_trees:values(Big))}),
    S = gb_sets:from_list([5, 3, 9, 1, 3]),
    p({gb_sets:to_list(S), gb_sets:size(S), gb_sets:is_member(9, S), gb_sets:to_list(gb_sets:add(4, S)), gb_sets:to_list(gb_sets:delete(3, S)),
       gb_sets:to_list(gb_sets:union(S, gb_sets:from_list([2, 10]))), gb_sets:to_list(gb_sets:intersection(S, gb_sets:from_list([1, 9, 11]))),
       gb_sets:to_list(gb_sets:subtract(S, gb_sets:from_list([1]))), gb_sets:smallest(S), gb_sets:largest(S), gb_sets:is_subset(gb_sets:from_list([1]), S),
       gb_sets:to_list(gb_sets:filter(fun(X) -> X > 3 end, S)), gb_sets:fold(fun(X, A) -> X + A end, 0, S),
       gb_sets:to_list(gb_sets:balance(gb_sets:from_ordset(lists:seq(1, 20))))}).

arrays() ->
    A = array:from_list([a, b, c, d]),
    p({array:size(A), array:get(2, A), array:to_list(array:set(1, x, A)), array:get(10, A), array:default(A)}),
    A2 = array:set(100, z, array:new([{default, 0}])),
    p({array:size(A2), array:get(99, A2), array:get(100, A2), array:sparse_to_list(A2), array:sparse_size(A2)}),
    A3 = array:map(fun(I, V) -> {I, V} end, A),
    p({array:to_list(A3), array:foldl(fun(I, V, Acc) -> [{I, V} | Acc] end, [], A), array:to_orddict(array:resize(2, A)),
       array:is_array(A), array:is_fix(array:fix(A)), array:to_list(array:from_orddict([{0, p}, {3, q}]))}),
    p(try array:get(9, array:fix(A)) catch error:R -> {caught, R} end),
    Big = lists:foldl(fun(I, Acc) -> array:set(I, I * 2, Acc) end, array:new(), lists:seq(0, 999)),
    p({array:size(Big), array:get(777, Big), array:foldl(fun(_, V, S) -> V + S end, 0, Big)}).

more_lists() ->
    L = [5, 3, 8, 1, 9, 2],
    p({lists:split(2, L), lists:splitwith(fun(X) -> X > 2 end, L), lists:partition(fun(X) -> X rem 2 =:= 0 end, L), lists:nthtail(3, L),
       lists:sublist(L, 2, 3), lists:takewhile(fun(X) -> X > 2 end, L), lists:dropwhile(fun(X) -> X > 2 end, L), lists:last(L), lists:droplast(L)}),
    p({lists:zip3([1, 2], [a, b], [x, y]), lists:unzip3([{1, a, x}, {2, b, y}]), lists:zipwith3(fun(A, B, C) -> A + B + C end, [1], [2], [3]),
       lists:mapfoldl(fun(X, S) -> {X * 2, S + X} end, 0, L), lists:mapfoldr(fun(X, S) -> {X, [X | S]} end, [], L), lists:filtermap(fun(X) -> X > 4 andalso {true, -X} end, L)}),
    p({lists:keysort(2, [{a, 3}, {b, 1}, {c, 2}]), lists:ukeysort(1, [{b, 1}, {a, 2}, {b, 3}]), lists:keymerge(1, [{a, 1}, {c, 3}], [{b, 2}]),
       lists:keyreplace(b, 1, [{a, 1}, {b, 2}], {b, 20}), lists:keystore(z, 1, [{a, 1}], {z, 26}), lists:keytake(a, 1, [{a, 1}, {b, 2}]), lists:keydelete(a, 1, [{a, 1}, {b, 2}]),
       lists:keymap(fun(X) -> X * 10 end, 2, [{a, 1}, {b, 2}])}),
    p({lists:usort([3, 1, 3, 2]), lists:umerge([1, 3], [2, 3]), lists:merge3([1], [2], [0]), lists:merge([[1, 4], [2], [3]]), lists:rmerge([3, 1], [2]),
       lists:sort(fun(A, B) -> A >= B end, L), lists:usort(fun(A, B) -> A =< B end, [2, 1, 2]), lists:flatlength([1, [2, [3]]]), lists:flatten([[a], [[b]]], [c])}),
    p({lists:enumerate([a, b]), lists:enumerate(0, [a, b]), lists:uniq([1, 2, 1, 3]), lists:uniq(fun(X) -> X rem 2 end, [1, 2, 3, 4]),
       lists:join(x, [a, b, c]), lists:search(fun(X) -> X > 5 end, L), lists:search(fun(X) -> X > 50 end, L), lists:suffix([9, 2], L), lists:prefix([5], L),
       lists:duplicate(3, z), lists:seq(10, 1, -3), lists:min(L), lists:max(L), lists:sum(L), lists:concat([a, 1, "b", 2.5])}),
    p({lists:foldr(fun(X, A) -> [X | A] end, [], L), lists:zf(fun(X) -> X > 5 end, L), lists:subtract(L, [8, 1]), lists:delete(8, L),
       lists:rukeymerge(1, [{c, 1}, {a, 1}], [{b, 2}]), lists:umerge3([1], [1, 2], [3]), lists:all(fun is_integer/1, L), lists:any(fun is_atom/1, L)}).

sorted(S) -> lists:sort(sets:to_list(S)).

p(T) -> io:format("~p~n", [T]).
