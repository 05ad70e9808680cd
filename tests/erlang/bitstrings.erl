%% Bitstrings (sizes that are not whole bytes) and integer fields of any size:
%% construction and matching at any bit offset, the bitstring BIFs, term
%% order, the External Term Format, messages, hashing and printing (~p and
%% ~w; erlang:display/1 of bitstrings is in tests/natives.test.ts, against erts).
-module(bitstrings).
-export([main/0]).

main() ->
    construction(),
    matching(),
    comprehensions(),
    wide_integers(),
    bifs(),
    order(),
    etf(),
    messages(),
    hashing(),
    printing(),
    ok.

%% Values the compiler cannot fold (the tests must run the generated code).
id(X) -> X.

construction() ->
    A = <<(id(1)):3>>,
    B = <<(id(5)):3, (id(300)):12, (id(1)):1>>,
    C = <<A/bits, B/bits, (id(<<"xy">>))/binary, (id(2)):2>>,
    p([A, B, C, bit_size(C), byte_size(C)]),
    p([<<(id(-1)):5/signed>>, <<(id(300)):12/little>>, <<(id(-300)):13/little-signed>>, <<(id(16#ABCDE)):20/little>>]),
    %% appending at every offset 0..8, then a binary after a bitstring
    p([<<(id(<<1:N>>))/bits, (id(<<"abc">>))/binary>> || N <- lists:seq(0, 8)]),
    p([<<(id(<<3:2>>))/bits, (id(<<255, 0, 170>>))/bits, (id(<<5:3>>))/bits>>]),
    %% a bitstring as a binary segment of unit 8 fails; a binary of a bitstring's size too
    p([err(fun() -> <<(id(<<1:3>>))/binary>> end), err(fun() -> <<(id(<<1:3>>)):2/binary>> end), <<(id(<<1, 2, 3>>)):10/bits>>]),
    %% large results go off-heap: bitstrings of 700 and 70001 bits
    Big = << <<(I rem 7):7>> || I <- lists:seq(1, 100) >>,
    Big2 = <<(id(Big))/bits, (id(<<0:70000>>))/bits, (id(1)):1>>,
    p([bit_size(Big), byte_size(Big), bit_size(Big2), byte_size(Big2), erlang:phash2(Big), erlang:phash2(Big2)]),
    p([float_after(), utf_after()]),
    ok.

float_after() -> <<(id(1)):1, (id(1.5))/float, (id(2.5)):32/float>>.
utf_after() -> <<(id(1)):3, (id($é))/utf8, (id(16#1F600))/utf16, (id($a))/utf32-little>>.

matching() ->
    B = id(<<5:3, 300:12, 1:1, "xy", 2:2>>),
    <<X:3, Y:12, Z:1, S:2/binary, W:2>> = B,
    p([X, Y, Z, S, W]),
    <<_:1, R/bits>> = B,
    p([R, bit_size(R)]),
    <<_:3, T:13/bits, _/bits>> = B,
    p(T),
    <<L1:12/little, L2:13/little-signed, _/bits>> = id(<<300:12/little, -300:13/little-signed, 7:3>>),
    p([L1, L2]),
    %% a string at an unaligned offset, with a tail that is not whole bytes
    case B of
        <<_:5, _:11, "xy", Tail/bits>> -> p({aligned_string, Tail});
        _ -> p(nomatch)
    end,
    case id(<<1:1, "hello", 3:2>>) of
        <<1:1, "hello", Rest/bits>> -> p({unaligned_string, Rest});
        _ -> p(nomatch)
    end,
    case id(<<1:1, "hellp", 3:2>>) of
        <<1:1, "hello", _/bits>> -> p(wrong);
        _ -> p(mismatch)
    end,
    %% the unit of a tail: binary needs whole bytes, bits takes any
    p([is_whole(id(<<1:3>>)), is_whole(id(<<1, 2>>)), is_whole(id(<<1:1, 2>>))]),
    p(skip(id(<<1:3, 2:5, 3:7, 4:9>>), [3, 5, 7, 9], [])),
    p([case id(<<7:3>>) of <<_:1, Q/binary>> -> {bin, Q}; <<_:1, Q/bits>> -> {bits, Q} end]),
    p(err(fun() -> bad_match(id(<<1:7>>)) end)),
    %% matching a bitstring that is a literal
    <<Lit:5, LitRest/bits>> = <<21:5, 1:2>>,
    p([Lit, LitRest]),
    ok.

is_whole(<<_/binary>>) -> binary;
is_whole(<<_/bits>>) -> bits.

skip(<<>>, [], Acc) -> lists:reverse(Acc);
skip(B, [N | Ns], Acc) ->
    <<V:N, Rest/bits>> = B,
    skip(Rest, Ns, [V | Acc]).

bad_match(B) -> <<_:8>> = B.

comprehensions() ->
    L = lists:seq(0, 9),
    B = << <<X:3>> || X <- L >>,
    p([B, bit_size(B)]),
    p([X || <<X:5>> <= id(<<"hello world">>)]),
    p([X || <<X:3>> <= B]),
    p(<< <<X:1>> || <<X:2>> <= id(<<"ab">>) >>),
    p(<< <<(X + 1):7/little>> || <<X:3>> <= B >>),
    ok.

wide_integers() ->
    Ns = [65, 72, 100, 127, 128, 129, 200],
    Vs = [0, 1, -1, 255, 1 bsl 64, (1 bsl 64) - 1, -(1 bsl 70) + 12345, 16#123456789ABCDEF0123456789ABCDEF, -(1 bsl 127)],
    lists:foreach(fun(N) ->
        lists:foreach(fun(V) ->
            Bb = <<(id(V)):(id(N))>>,
            Bl = <<(id(V)):(id(N))/little>>,
            <<Ub:N>> = Bb, <<Sb:N/signed>> = Bb,
            <<Ul:N/little>> = Bl, <<Sl:N/little-signed>> = Bl,
            p({N, V, Bb, Bl, Ub, Sb, Ul, Sl})
        end, Vs)
    end, Ns),
    %% at an unaligned offset, with known sizes
    V = id(-16#FEDCBA9876543210FEDCBA98765),
    B = <<(id(1)):3, V:100/signed, V:99/little, 5:3>>,
    <<_:3, X:100/signed, Y:99/little-signed, Z:3>> = B,
    p([B, X, Y, Z, X =:= V, bit_size(B)]),
    p(<<(id(1 bsl 200)):201, (id(1)):7>>),
    ok.

bifs() ->
    Bs = [<<>>, <<1:1>>, <<1,2,3:2>>, <<"abc">>, <<0:63>>],
    p([{bit_size(B), byte_size(B), is_bitstring(B), is_binary(B), bitstring_to_list(B)} || B <- Bs]),
    %% (the arguments through id/1: OTP 25's compiler takes a literal improper list here for a call that cannot return)
    p([list_to_bitstring(id([1, <<2:3>>, [<<3:5>>, 4] | <<5:4>>])), list_to_bitstring(id([])), list_to_bitstring(id([<<1:1>>, [[<<1:1>>]]]))]),
    p([err(fun() -> list_to_bitstring(id([256])) end), err(fun() -> list_to_bitstring(id(<<1:1>>)) end), err(fun() -> bitstring_to_list(id(foo)) end), err(fun() -> byte_size(id(foo)) end)]),
    p([err(fun() -> binary_to_list(id(<<1:3>>)) end), err(fun() -> list_to_binary(id([<<1:3>>])) end), err(fun() -> iolist_size(id([<<1:3>>])) end), err(fun() -> binary_part(id(<<1, 2, 3:3>>), 0, 1) end)]),
    p([guard(<<1:3>>), guard(<<1>>), guard(x), size_guard(<<1, 2:4>>)]),
    ok.

guard(B) when is_binary(B) -> binary;
guard(B) when is_bitstring(B) -> bitstring;
guard(_) -> other.

size_guard(B) when byte_size(B) =:= 2, bit_size(B) =:= 12 -> twelve;
size_guard(_) -> other.

order() ->
    Ts = [<<>>, <<0:1>>, <<1:1>>, <<0>>, <<0, 0:1>>, <<1:7>>, <<2:7>>, <<1>>, <<128>>, <<128:8, 1:1>>,
          <<255, 255:7>>, <<255, 255>>, <<"abc">>, <<"abc", 0:1>>, <<"ab">>, <<97, 98, 99:7>>],
    p(lists:sort(Ts)),
    p([{A < B, A == B, A =:= B} || A <- [<<1:1>>, <<128>>, <<64:7>>], B <- [<<1:1>>, <<128>>, <<128:8, 0:1>>]]),
    p(lists:sort([<<1:3>>, 1, a, {<<>>}, [<<1:3>>], <<"z">>, [], #{}])),
    p([<<1:3>> =:= list_to_bitstring([<<1:3>>]), <<1:3>> == <<1:4>>]),
    ok.

etf() ->
    Ts = [<<1:3>>, <<1, 2, 3:2>>, <<0:1>>, {<<5:3>>, [<<"abc", 1:1>>]}, <<(list_to_binary(lists:duplicate(100, $x)))/binary, 3:2>>],
    p([term_to_binary(T) || T <- Ts]),
    p([binary_to_term(term_to_binary(T)) =:= T || T <- Ts]),
    %% bytes BEAM writes: the unused bits of the last byte are cleared when read
    p(binary_to_term(<<131, 77, 0, 0, 0, 2, 3, 1, 255>>)),
    p(binary_to_term(<<131, 77, 0, 0, 0, 1, 8, 7>>)),
    p(err(fun() -> binary_to_term(id(<<131, 77, 0, 0, 0, 1, 0, 7>>)) end)),
    p(err(fun() -> binary_to_term(id(<<131, 77, 0, 0, 0, 1, 9, 7>>)) end)),
    ok.

messages() ->
    Self = self(),
    Big = << <<I:5>> || I <- lists:seq(1, 31) >>,
    Pid = spawn(fun() -> receive {From, {_, [B1 | _]} = M} -> From ! {echo, M, bit_size(B1)} end end),
    Pid ! {Self, {<<1:3>>, [Big, <<(id(7)):9>>]}},
    receive {echo, M, N} -> p({M, N}) end,
    ok.

hashing() ->
    Ts = [<<1:3>>, <<1, 2, 3:5>>, <<0:1>>, <<"abcdefghijklmn", 1:1>>, {<<5:3>>, [<<>>]}, <<0:63>>],
    p([erlang:phash2(T) || T <- Ts]),
    p([erlang:phash2(T, 1000) || T <- Ts]),
    ok.

printing() ->
    Ts = [<<5:3>>, <<1, 2, 3:2>>, <<"abc", 1:1>>, [<<1:1>>, {<<"x", 0:4>>}], <<0:65>>],
    lists:foreach(fun(T) -> io:format("~p ~w~n", [T, T]) end, Ts),
    io:format("~s~n", [io_lib:format("~p", [<<(list_to_binary(lists:duplicate(40, "ab")))/binary, 1:1>>])]),
    ok.

p(T) -> io:format("~w~n", [T]).

%% The error a fun raises (its reason only: stack traces beyond the top frame are BEAM's alone).
err(F) -> try F() catch error:R -> {error, R} end.
