%% Shoal's stand-in for the few pieces of OTP's `unicode' and `string' that
%% io_lib needs: UTF-8 decoding of binaries (byte lists, no binary syntax),
%% chardata flattening, and grapheme clusters for the width of `~ts' fields.
%%
%% Grapheme clusters follow UAX #29's rules, on character classes read from
%% OTP 25's own unicode_util:gc/1 (the table at the end of this file, made by
%% gen_grapheme_table.escript).
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

%% One grapheme cluster: the rules of UAX #29 (Unicode 14, OTP 25's), on the
%% classes class/1 gives. St follows GB11 (pict: ExtPict Extend*, pict_zwj:
%% then ZWJ) and GB12/13 (ri_odd: an odd number of regional indicators).
gc(C, Rest) ->
    K = class(C),
    St = case K of
             pict -> pict;
             ri -> ri_odd;
             _ -> none
         end,
    gc(K, St, [C], Rest).

gc(Prev, St, Acc, [C | Rest] = All) ->
    K = class(C),
    case join(Prev, St, K) of
        false -> done(Acc, All);
        St1 -> gc(K, St1, [C | Acc], Rest)
    end;
gc(_, _, Acc, []) ->
    done(Acc, []).

done([C], Rest) -> [C | Rest];
done(Acc, Rest) -> [lists:reverse(Acc) | Rest].

%% Whether a character of class K joins the cluster (false, or the new state).
join(cr, _, lf) -> none;                                  % GB3
join(Prev, _, _) when Prev =:= cr; Prev =:= lf; Prev =:= control -> false;   % GB4
join(_, _, K) when K =:= cr; K =:= lf; K =:= control -> false;                % GB5
join(l, _, K) when K =:= l; K =:= v; K =:= lv; K =:= lvt -> none;             % GB6
join(Prev, _, K) when (Prev =:= lv orelse Prev =:= v), (K =:= v orelse K =:= t) -> none;   % GB7
join(Prev, _, t) when Prev =:= lvt; Prev =:= t -> none;  % GB8
join(zwj, pict_zwj, pict) -> pict;                        % GB11
join(_, pict_zwj, _) -> false;                            % (OTP: nothing else after ExtPict ZWJ)
join(_, pict, extend) -> pict;                            % GB9, in GB11's ExtPict Extend*
join(_, pict, zwj) -> pict_zwj;
join(_, _, K) when K =:= extend; K =:= zwj; K =:= spacing -> none;          % GB9, GB9a
join(prepend, _, pict) -> pict;                           % GB9b
join(prepend, _, ri) -> ri_odd;
join(prepend, _, _) -> none;
join(ri, ri_odd, ri) -> ri_even;                          % GB12, GB13
join(_, _, _) -> false.

class($\r) -> cr;
class($\n) -> lf;
class(C) when C < 16#7F, C >= 16#20 -> other;
class(16#200D) -> zwj;
class(C) when C >= 16#1F1E6, C =< 16#1F1FF -> ri;
class(C) when C >= 16#1100, C =< 16#115F; C >= 16#A960, C =< 16#A97C -> l;
class(C) when C >= 16#1160, C =< 16#11A7; C >= 16#D7B0, C =< 16#D7C6 -> v;
class(C) when C >= 16#11A8, C =< 16#11FF; C >= 16#D7CB, C =< 16#D7FB -> t;
class(C) when C >= 16#AC00, C =< 16#D7A3 ->
    case (C - 16#AC00) rem 28 of
        0 -> lv;
        _ -> lvt
    end;
class(C) ->
    T = table(),
    search(T, C, 0, tuple_size(T) div 3 - 1).

%% Binary search of the ranges for C.
search(_, _, Lo, Hi) when Lo > Hi -> other;
search(T, C, Lo, Hi) ->
    Mid = (Lo + Hi) div 2,
    case C < element(3 * Mid + 1, T) of
        true -> search(T, C, Lo, Mid - 1);
        false ->
            case C > element(3 * Mid + 2, T) of
                true -> search(T, C, Mid + 1, Hi);
                false -> element(3 * Mid + 3, T)
            end
    end.

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

%% Generated by probing OTP 25's unicode_util:gc/1 on every code point
%% (compiler/lib/gen_grapheme_table.escript): {Lo, Hi, Class} flattened, sorted.
%% Hangul, CR, LF, ZWJ and regional indicators are handled in class/1.
table() ->
    {
     0, 9, control,
     11, 12, control,
     14, 31, control,
     127, 159, control,
     169, 169, pict,
     173, 173, control,
     174, 174, pict,
     768, 879, extend,
     1155, 1161, extend,
     1425, 1469, extend,
     1471, 1471, extend,
     1473, 1474, extend,
     1476, 1477, extend,
     1479, 1479, extend,
     1536, 1541, prepend,
     1552, 1562, extend,
     1564, 1564, control,
     1611, 1631, extend,
     1648, 1648, extend,
     1750, 1756, extend,
     1757, 1757, prepend,
     1759, 1764, extend,
     1767, 1768, extend,
     1770, 1773, extend,
     1807, 1807, prepend,
     1809, 1809, extend,
     1840, 1866, extend,
     1958, 1968, extend,
     2027, 2035, extend,
     2045, 2045, extend,
     2070, 2073, extend,
     2075, 2083, extend,
     2085, 2087, extend,
     2089, 2093, extend,
     2137, 2139, extend,
     2192, 2193, prepend,
     2200, 2207, extend,
     2250, 2273, extend,
     2274, 2274, prepend,
     2275, 2307, extend,
     2362, 2364, extend,
     2366, 2383, extend,
     2385, 2391, extend,
     2402, 2403, extend,
     2433, 2435, extend,
     2492, 2492, extend,
     2494, 2500, extend,
     2503, 2504, extend,
     2507, 2509, extend,
     2519, 2519, extend,
     2530, 2531, extend,
     2558, 2558, extend,
     2561, 2563, extend,
     2620, 2620, extend,
     2622, 2626, extend,
     2631, 2632, extend,
     2635, 2637, extend,
     2641, 2641, extend,
     2672, 2673, extend,
     2677, 2677, extend,
     2689, 2691, extend,
     2748, 2748, extend,
     2750, 2757, extend,
     2759, 2761, extend,
     2763, 2765, extend,
     2786, 2787, extend,
     2810, 2815, extend,
     2817, 2819, extend,
     2876, 2876, extend,
     2878, 2884, extend,
     2887, 2888, extend,
     2891, 2893, extend,
     2901, 2903, extend,
     2914, 2915, extend,
     2946, 2946, extend,
     3006, 3010, extend,
     3014, 3016, extend,
     3018, 3021, extend,
     3031, 3031, extend,
     3072, 3076, extend,
     3132, 3132, extend,
     3134, 3140, extend,
     3142, 3144, extend,
     3146, 3149, extend,
     3157, 3158, extend,
     3170, 3171, extend,
     3201, 3203, extend,
     3260, 3260, extend,
     3262, 3268, extend,
     3270, 3272, extend,
     3274, 3277, extend,
     3285, 3286, extend,
     3298, 3299, extend,
     3328, 3331, extend,
     3387, 3388, extend,
     3390, 3396, extend,
     3398, 3400, extend,
     3402, 3405, extend,
     3406, 3406, prepend,
     3415, 3415, extend,
     3426, 3427, extend,
     3457, 3459, extend,
     3530, 3530, extend,
     3535, 3540, extend,
     3542, 3542, extend,
     3544, 3551, extend,
     3570, 3571, extend,
     3633, 3633, extend,
     3635, 3642, extend,
     3655, 3662, extend,
     3761, 3761, extend,
     3763, 3772, extend,
     3784, 3789, extend,
     3864, 3865, extend,
     3893, 3893, extend,
     3895, 3895, extend,
     3897, 3897, extend,
     3902, 3903, extend,
     3953, 3972, extend,
     3974, 3975, extend,
     3981, 3991, extend,
     3993, 4028, extend,
     4038, 4038, extend,
     4141, 4151, extend,
     4153, 4158, extend,
     4182, 4185, extend,
     4190, 4192, extend,
     4209, 4212, extend,
     4226, 4226, extend,
     4228, 4230, extend,
     4237, 4237, extend,
     4253, 4253, extend,
     4957, 4959, extend,
     5906, 5909, extend,
     5938, 5940, extend,
     5970, 5971, extend,
     6002, 6003, extend,
     6068, 6099, extend,
     6109, 6109, extend,
     6155, 6157, extend,
     6158, 6158, control,
     6159, 6159, extend,
     6277, 6278, extend,
     6313, 6313, extend,
     6432, 6443, extend,
     6448, 6459, extend,
     6679, 6683, extend,
     6741, 6750, extend,
     6752, 6752, extend,
     6754, 6754, extend,
     6757, 6780, extend,
     6783, 6783, extend,
     6832, 6862, extend,
     6912, 6916, extend,
     6964, 6980, extend,
     7019, 7027, extend,
     7040, 7042, extend,
     7073, 7085, extend,
     7142, 7155, extend,
     7204, 7223, extend,
     7376, 7378, extend,
     7380, 7400, extend,
     7405, 7405, extend,
     7412, 7412, extend,
     7415, 7417, extend,
     7616, 7679, extend,
     8203, 8203, control,
     8204, 8204, extend,
     8206, 8207, control,
     8232, 8238, control,
     8252, 8252, pict,
     8265, 8265, pict,
     8288, 8303, control,
     8400, 8432, extend,
     8482, 8482, pict,
     8505, 8505, pict,
     8596, 8601, pict,
     8617, 8618, pict,
     8986, 8987, pict,
     9000, 9000, pict,
     9096, 9096, pict,
     9167, 9167, pict,
     9193, 9203, pict,
     9208, 9210, pict,
     9410, 9410, pict,
     9642, 9643, pict,
     9654, 9654, pict,
     9664, 9664, pict,
     9723, 9726, pict,
     9728, 9733, pict,
     9735, 9746, pict,
     9748, 9861, pict,
     9872, 9989, pict,
     9992, 10002, pict,
     10004, 10004, pict,
     10006, 10006, pict,
     10013, 10013, pict,
     10017, 10017, pict,
     10024, 10024, pict,
     10035, 10036, pict,
     10052, 10052, pict,
     10055, 10055, pict,
     10060, 10060, pict,
     10062, 10062, pict,
     10067, 10069, pict,
     10071, 10071, pict,
     10083, 10087, pict,
     10133, 10135, pict,
     10145, 10145, pict,
     10160, 10160, pict,
     10175, 10175, pict,
     10548, 10549, pict,
     11013, 11015, pict,
     11035, 11036, pict,
     11088, 11088, pict,
     11093, 11093, pict,
     11503, 11505, extend,
     11647, 11647, extend,
     11744, 11775, extend,
     12330, 12335, extend,
     12336, 12336, pict,
     12349, 12349, pict,
     12441, 12442, extend,
     12951, 12951, pict,
     12953, 12953, pict,
     42607, 42610, extend,
     42612, 42621, extend,
     42654, 42655, extend,
     42736, 42737, extend,
     43010, 43010, extend,
     43014, 43014, extend,
     43019, 43019, extend,
     43043, 43047, extend,
     43052, 43052, extend,
     43136, 43137, extend,
     43188, 43205, extend,
     43232, 43249, extend,
     43263, 43263, extend,
     43302, 43309, extend,
     43335, 43347, extend,
     43392, 43395, extend,
     43443, 43456, extend,
     43493, 43493, extend,
     43561, 43574, extend,
     43587, 43587, extend,
     43596, 43597, extend,
     43644, 43644, extend,
     43696, 43696, extend,
     43698, 43700, extend,
     43703, 43704, extend,
     43710, 43711, extend,
     43713, 43713, extend,
     43755, 43759, extend,
     43765, 43766, extend,
     44003, 44010, extend,
     44012, 44013, extend,
     64286, 64286, extend,
     65024, 65039, extend,
     65056, 65071, extend,
     65279, 65279, control,
     65438, 65439, extend,
     65520, 65531, control,
     66045, 66045, extend,
     66272, 66272, extend,
     66422, 66426, extend,
     68097, 68099, extend,
     68101, 68102, extend,
     68108, 68111, extend,
     68152, 68154, extend,
     68159, 68159, extend,
     68325, 68326, extend,
     68900, 68903, extend,
     69291, 69292, extend,
     69446, 69456, extend,
     69506, 69509, extend,
     69632, 69634, extend,
     69688, 69702, extend,
     69744, 69744, extend,
     69747, 69748, extend,
     69759, 69762, extend,
     69808, 69818, extend,
     69821, 69821, prepend,
     69826, 69826, extend,
     69837, 69837, prepend,
     69888, 69890, extend,
     69927, 69940, extend,
     69957, 69958, extend,
     70003, 70003, extend,
     70016, 70018, extend,
     70067, 70080, extend,
     70082, 70083, prepend,
     70089, 70092, extend,
     70094, 70095, extend,
     70188, 70199, extend,
     70206, 70206, extend,
     70367, 70378, extend,
     70400, 70403, extend,
     70459, 70460, extend,
     70462, 70468, extend,
     70471, 70472, extend,
     70475, 70477, extend,
     70487, 70487, extend,
     70498, 70499, extend,
     70502, 70508, extend,
     70512, 70516, extend,
     70709, 70726, extend,
     70750, 70750, extend,
     70832, 70851, extend,
     71087, 71093, extend,
     71096, 71104, extend,
     71132, 71133, extend,
     71216, 71232, extend,
     71339, 71351, extend,
     71453, 71455, extend,
     71458, 71467, extend,
     71724, 71738, extend,
     71984, 71989, extend,
     71991, 71992, extend,
     71995, 71998, extend,
     71999, 71999, prepend,
     72000, 72000, extend,
     72001, 72001, prepend,
     72002, 72003, extend,
     72145, 72151, extend,
     72154, 72160, extend,
     72164, 72164, extend,
     72193, 72202, extend,
     72243, 72249, extend,
     72250, 72250, prepend,
     72251, 72254, extend,
     72263, 72263, extend,
     72273, 72283, extend,
     72324, 72329, prepend,
     72330, 72345, extend,
     72751, 72758, extend,
     72760, 72767, extend,
     72850, 72871, extend,
     72873, 72886, extend,
     73009, 73014, extend,
     73018, 73018, extend,
     73020, 73021, extend,
     73023, 73029, extend,
     73030, 73030, prepend,
     73031, 73031, extend,
     73098, 73102, extend,
     73104, 73105, extend,
     73107, 73111, extend,
     73459, 73462, extend,
     78896, 78904, control,
     92912, 92916, extend,
     92976, 92982, extend,
     94031, 94031, extend,
     94033, 94087, extend,
     94095, 94098, extend,
     94180, 94180, extend,
     94192, 94193, extend,
     113821, 113822, extend,
     113824, 113827, control,
     118528, 118573, extend,
     118576, 118598, extend,
     119141, 119145, extend,
     119149, 119154, extend,
     119155, 119162, control,
     119163, 119170, extend,
     119173, 119179, extend,
     119210, 119213, extend,
     119362, 119364, extend,
     121344, 121398, extend,
     121403, 121452, extend,
     121461, 121461, extend,
     121476, 121476, extend,
     121499, 121503, extend,
     121505, 121519, extend,
     122880, 122886, extend,
     122888, 122904, extend,
     122907, 122913, extend,
     122915, 122916, extend,
     122918, 122922, extend,
     123184, 123190, extend,
     123566, 123566, extend,
     123628, 123631, extend,
     125136, 125142, extend,
     125252, 125258, extend,
     126976, 127231, pict,
     127245, 127247, pict,
     127279, 127279, pict,
     127340, 127345, pict,
     127358, 127359, pict,
     127374, 127374, pict,
     127377, 127386, pict,
     127405, 127461, pict,
     127489, 127503, pict,
     127514, 127514, pict,
     127535, 127535, pict,
     127538, 127546, pict,
     127548, 127551, pict,
     127561, 127994, pict,
     127995, 127999, extend,
     128000, 128317, pict,
     128326, 128591, pict,
     128640, 128767, pict,
     128884, 128895, pict,
     128981, 129023, pict,
     129036, 129039, pict,
     129096, 129103, pict,
     129114, 129119, pict,
     129160, 129167, pict,
     129198, 129279, pict,
     129292, 129338, pict,
     129340, 129349, pict,
     129351, 129791, pict,
     130048, 131069, pict,
     917504, 917535, control,
     917536, 917631, extend,
     917632, 917759, control,
     917760, 917999, extend,
     918000, 921599, control}.
