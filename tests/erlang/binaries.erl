%% Binaries and the bit syntax: matching and construction.
-module(binaries).
-export([main/0]).

main() ->
    %% a binary made just before a cons: erlc folds the cons's heap into bs_create_bin's Alloc
    %% (a loop long enough for the heap to fill and grow while the list lives)
    io:format("~p~n", [grow(5000, [], <<>>)]),
    io:format("~p~n", [keep(5000, [], <<>>)]),
    B = <<1, 2, 3, "abc", 300:16, -1:8/signed, 7:4, 9:4>>,
    io:format("~p~n", [B]),
    io:format("~p~n", [sum(B, 0)]),
    <<A:8, Rest/binary>> = B,
    io:format("~p~n", [{A, Rest}]),
    <<X:16/little, Y:16/big, S:8/signed, _/binary>> = <<1, 2, 3, 4, 255>>,
    io:format("~p~n", [{X, Y, S}]),
    io:format("~p~n", [words(<<"hello world foo">>, <<>>, [])]),
    io:format("~p~n", [<< <<(C + 1)>> || <<C>> <= <<"HAL">> >>]),
    io:format("~p~n", [byte_size(<<B/binary, B/binary>>)]),
    U = <<"héllo wörld"/utf8>>,
    io:format("~w~n", [[C || <<C/utf8>> <= U]]),
    io:format("~p~n", [<<1.5/float, 2.0:32/float>>]),
    <<F:64/float, G:32/float>> = <<1.5/float, 2.0:32/float>>,
    io:format("~p~n", [{F, G}]),
    io:format("~p~n", [<<16#1F600/utf16, 16#41/utf32-little>>]),
    <<Cp/utf16, _/binary>> = <<16#1F600/utf16>>,
    io:format("~p~n", [Cp]),
    io:format("~p~n", [{binary_to_list(<<"xyz">>), list_to_binary([$a, [$b, <<"c">>]]), iolist_size([<<1,2>>, 3])}]),
    io:format("~p~n", [{big, <<(1 bsl 40):48>>, <<255:8, 0:8, -1:16>>}]),
    io:format("~p~n", [[tail_then_skip(<<"\t x \n">>, 2, [<<" ">>, <<"\n">>]), tail_then_skip(<<"abcdef">>, 1, [<<"e">>])]]),
    ok.

sum(<<C, T/binary>>, Acc) -> sum(T, Acc + C);
sum(<<>>, Acc) -> Acc.

words(<<$\s, T/binary>>, W, Acc) -> words(T, <<>>, [W | Acc]);
words(<<C, T/binary>>, W, Acc) -> words(T, <<W/binary, C>>, Acc);
words(<<>>, W, Acc) -> lists:reverse([W | Acc]).

%% The rest taken as a binary (bs_get_tail), then bytes skipped from the same
%% position of the match context: taking the tail does not move it (as
%% OTP's string:bin_search_loop/5 relies on).
tail_then_skip(Bin0, Start, Seps) ->
    <<_:Start/binary, Bin/binary>> = Bin0,
    case binary:match(Bin, Seps) of
        nomatch -> nomatch;
        {Where, _} -> <<_:Where/binary, Cont/binary>> = Bin, {Where, Cont, Bin}
    end.

grow(0, L, Bin) -> {length(L), lists:sum(L), Bin};
grow(K, L, _) -> grow(K - 1, [K | L], <<K:16>>).

keep(0, L, Bin) -> {length(L), byte_size(iolist_to_binary(L)), Bin};
keep(K, L, Bin) -> keep(K - 1, [Bin | L], <<(K band 255), (byte_size(Bin))>>).
