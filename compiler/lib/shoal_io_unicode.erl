%% Shoal's stand-in for the few pieces of OTP's `unicode' and `string' that
%% io_lib needs: UTF-8 decoding of binaries (byte lists, no binary syntax),
%% chardata flattening, and grapheme clusters for the width of `~ts' fields.
%%
%% Grapheme clusters are a subset of UAX #29 (OTP's `string' has the full
%% tables): CR LF; a base followed by combining marks, variation selectors,
%% emoji modifiers, tags, ZWJ (and the pictograph a ZWJ joins); pairs of
%% regional indicators. Hangul jamo sequences and prepend marks are not
%% joined. See compiler/lib/README.md.
-module(shoal_io_unicode).
-compile({no_auto_import, [length/1]}).
-export([characters_to_list/1, utf8_decode/1, valid_char/1,
         length/1, slice/3, next_grapheme/1, equal/2]).

%% characters_to_list(Chardata) -> [char()] | error
%% As unicode:characters_to_list(Chardata, unicode): integers must be code
%% points (not surrogates), binaries must be UTF-8.
characters_to_list(Cs) ->
    try flatten_cd(Cs, []) of
        L -> L
    catch
        throw:bad_chardata -> error
    end.

flatten_cd([C | Cs], Tail) when is_integer(C) ->
    case valid_char(C) of
        true -> [C | flatten_cd(Cs, Tail)];
        false -> throw(bad_chardata)
    end;
flatten_cd([L | Cs], Tail) ->
    flatten_cd(L, flatten_cd(Cs, Tail));
flatten_cd([], Tail) ->
    Tail;
flatten_cd(B, Tail) when is_binary(B) ->
    case utf8_decode(B) of
        error -> throw(bad_chardata);
        L -> L ++ Tail
    end;
flatten_cd(_, _) ->
    throw(bad_chardata).

valid_char(C) when is_integer(C), C >= 0, C < 16#D800 -> true;
valid_char(C) when is_integer(C), C > 16#DFFF, C =< 16#10FFFF -> true;
valid_char(_) -> false.

%% utf8_decode(Binary) -> [char()] | error
utf8_decode(B) when is_binary(B) ->
    dec(binary_to_list(B));
utf8_decode(L) when is_list(L) ->
    dec(L).

dec([]) -> [];
dec([B | Bs]) when B < 16#80 -> [B | dec(Bs)];
dec([B1, B2 | Bs]) when B1 >= 16#C2, B1 =< 16#DF, B2 band 16#C0 =:= 16#80 ->
    [((B1 band 16#1F) bsl 6) bor (B2 band 16#3F) | dec(Bs)];
dec([B1, B2, B3 | Bs]) when B1 >= 16#E0, B1 =< 16#EF,
                            B2 band 16#C0 =:= 16#80, B3 band 16#C0 =:= 16#80 ->
    C = ((B1 band 16#0F) bsl 12) bor ((B2 band 16#3F) bsl 6) bor (B3 band 16#3F),
    if
        C < 16#800 -> error;
        C >= 16#D800, C =< 16#DFFF -> error;
        true -> cons(C, dec(Bs))
    end;
dec([B1, B2, B3, B4 | Bs]) when B1 >= 16#F0, B1 =< 16#F4,
                                B2 band 16#C0 =:= 16#80, B3 band 16#C0 =:= 16#80,
                                B4 band 16#C0 =:= 16#80 ->
    C = ((B1 band 16#07) bsl 18) bor ((B2 band 16#3F) bsl 12)
        bor ((B3 band 16#3F) bsl 6) bor (B4 band 16#3F),
    if
        C < 16#10000 -> error;
        C > 16#10FFFF -> error;
        true -> cons(C, dec(Bs))
    end;
dec(_) -> error.

cons(_, error) -> error;
cons(C, L) -> [C | L].

%% Flatten chardata to code points; binaries that are not UTF-8 become bytes
%% (as io_lib_format:cdata_to_chars/1 does).
to_list(Cs) when is_list(Cs) -> to_list(Cs, []);
to_list(B) when is_binary(B) -> bin_to_list(B).

to_list([C | Cs], T) when is_integer(C) -> [C | to_list(Cs, T)];
to_list([L | Cs], T) -> to_list(L, to_list(Cs, T));
to_list([], T) -> T;
to_list(B, T) when is_binary(B) -> bin_to_list(B) ++ T.

bin_to_list(B) ->
    case utf8_decode(B) of
        error -> binary_to_list(B);
        L -> L
    end.

%% next_grapheme(Chardata) -> [] | [GC | Rest], GC a char or a list of chars.
next_grapheme(Cs) ->
    case to_list(Cs) of
        [] -> [];
        [C | Rest] -> gc(C, Rest)
    end.

gc($\r, [$\n | Rest]) -> [[$\r, $\n] | Rest];
gc(C, Rest) ->
    case is_ri(C) of
        true ->
            case Rest of
                [C2 | Rest2] ->
                    case is_ri(C2) of
                        true -> ext([C2, C], Rest2);
                        false -> ext([C], Rest)
                    end;
                [] -> [C]
            end;
        false when C =:= $\r; C =:= $\n; C < 32 ->
            [C | Rest];
        false ->
            ext([C], Rest)
    end.

ext(Acc, [16#200D, P | Rest]) ->
    case is_pict(P) of
        true -> ext([P, 16#200D | Acc], Rest);
        false -> ext([16#200D | Acc], [P | Rest])
    end;
ext(Acc, [C | Rest] = All) ->
    case is_extend(C) of
        true -> ext([C | Acc], Rest);
        false -> done(Acc, All)
    end;
ext(Acc, []) -> done(Acc, []).

done([C], Rest) -> [C | Rest];
done(Acc, Rest) -> [lists:reverse(Acc) | Rest].

is_ri(C) -> C >= 16#1F1E6 andalso C =< 16#1F1FF.

is_pict(C) ->
    (C >= 16#1F000 andalso C =< 16#1FAFF) orelse
    (C >= 16#2600 andalso C =< 16#27BF) orelse
    (C >= 16#2300 andalso C =< 16#23FF) orelse
    (C >= 16#2B00 andalso C =< 16#2BFF) orelse
    C =:= 16#00A9 orelse C =:= 16#00AE.

is_extend(C) when C < 16#300 -> false;
is_extend(C) when C =< 16#36F -> true;
is_extend(C) when C >= 16#483, C =< 16#489 -> true;
is_extend(C) when C >= 16#591, C =< 16#5BD -> true;
is_extend(C) when C =:= 16#5BF; C =:= 16#5C1; C =:= 16#5C2; C =:= 16#5C4;
                  C =:= 16#5C5; C =:= 16#5C7 -> true;
is_extend(C) when C >= 16#610, C =< 16#61A -> true;
is_extend(C) when C >= 16#64B, C =< 16#65F -> true;
is_extend(C) when C =:= 16#670 -> true;
is_extend(C) when C >= 16#6D6, C =< 16#6DC -> true;
is_extend(C) when C >= 16#6DF, C =< 16#6E4 -> true;
is_extend(C) when C >= 16#6E7, C =< 16#6E8 -> true;
is_extend(C) when C >= 16#6EA, C =< 16#6ED -> true;
is_extend(C) when C >= 16#900, C =< 16#903 -> true;
is_extend(C) when C >= 16#93A, C =< 16#94F, C =/= 16#93D -> true;
is_extend(C) when C >= 16#951, C =< 16#957 -> true;
is_extend(C) when C >= 16#962, C =< 16#963 -> true;
is_extend(C) when C >= 16#1AB0, C =< 16#1AFF -> true;
is_extend(C) when C >= 16#1DC0, C =< 16#1DFF -> true;
is_extend(C) when C =:= 16#200C; C =:= 16#200D -> true;
is_extend(C) when C >= 16#20D0, C =< 16#20FF -> true;
is_extend(C) when C >= 16#302A, C =< 16#302F -> true;
is_extend(C) when C >= 16#3099, C =< 16#309A -> true;
is_extend(C) when C >= 16#FE00, C =< 16#FE0F -> true;
is_extend(C) when C >= 16#FE20, C =< 16#FE2F -> true;
is_extend(C) when C >= 16#1F3FB, C =< 16#1F3FF -> true;
is_extend(C) when C >= 16#E0020, C =< 16#E007F -> true;
is_extend(C) when C >= 16#E0100, C =< 16#E01EF -> true;
is_extend(_) -> false.

%% length(Chardata): the number of grapheme clusters (string:length/1).
length(Cs) -> len(to_list(Cs), 0).

len([], N) -> N;
len([C | Rest], N) ->
    [_ | Rest1] = gc(C, Rest),
    len(Rest1, N + 1).

%% slice(Chardata, Start, Len): grapheme clusters Start.. Start+Len-1, flat
%% (string:slice/3).
slice(Cs, Start, Len) ->
    L = drop(to_list(Cs), Start),
    take(L, Len).

drop(L, 0) -> L;
drop([], _) -> [];
drop([C | Rest], N) ->
    [_ | Rest1] = gc(C, Rest),
    drop(Rest1, N - 1).

take(_, 0) -> [];
take([], _) -> [];
take([C | Rest], N) ->
    [G | Rest1] = gc(C, Rest),
    case is_list(G) of
        true -> G ++ take(Rest1, N - 1);
        false -> [G | take(Rest1, N - 1)]
    end.

%% equal(A, B): string:equal/2 on chardata.
equal(A, B) -> to_list(A) =:= to_list(B).
