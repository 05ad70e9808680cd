-module(io_lib).
%% Shoal's io_lib: OTP 25's stdlib io_lib (output half), ported to the
%% natives Shoal provides. Formatting is shoal_io_format (OTP's
%% io_lib_format), ~p is shoal_io_pretty (OTP's io_lib_pretty). What differs
%% from OTP is listed in README.md. The input half (fread, collect_chars,
%% collect_line, get_until) is not provided.
-export([fwrite/2,fwrite/3,format/2,format/3]).
-export([scan_format/2,unscan_format/1,build_text/1,build_text/2]).
-export([print/1,print/4,indentation/2]).
-export([write/1,write/2,write/3,nl/0,format_prompt/1,format_prompt/2]).
-export([write_binary/3]).
-export([write_atom/1,
         write_string/1,
         write_string/2,
         write_latin1_string/1,
         write_latin1_string/2,
         write_char/1,
         write_latin1_char/1]).
-export([write_atom_as_latin1/1,
         write_string_as_latin1/1,
         write_string_as_latin1/2,
         write_char_as_latin1/1]).
-export([quote_atom/2,
         char_list/1,
         latin1_char_list/1,
         deep_char_list/1,
         deep_latin1_char_list/1,
         printable_list/1,
         printable_latin1_list/1,
         printable_unicode_list/1]).
-export([write_unicode_string/1,
         write_unicode_char/1,
         deep_unicode_char_list/1]).
-export([limit_term/2]).
-export([chars_length/1]).
fwrite(Format, Args) ->
    format(Format, Args).
fwrite(Format, Args, Options) ->
    format(Format, Args, Options).
format(Format, Args) ->
    try
        shoal_io_format:fwrite(Format, Args)
    catch
        C:R:S ->
            test_modules_loaded(C, R, S),
            error(badarg, [Format, Args])
    end.
format(Format, Args, Options) ->
    try
        shoal_io_format:fwrite(Format, Args, Options)
    catch
        C:R:S ->
            test_modules_loaded(C, R, S),
            error(badarg, [Format, Args])
    end.
scan_format(Format, Args) ->
    try
        shoal_io_format:scan(Format, Args)
    catch
        C:R:S ->
            test_modules_loaded(C, R, S),
            error(badarg, [Format, Args])
    end.
unscan_format(FormatList) ->
    shoal_io_format:unscan(FormatList).
build_text(FormatList) ->
    try
        shoal_io_format:build(FormatList)
    catch
        C:R:S ->
            test_modules_loaded(C, R, S),
            error(badarg, [FormatList])
    end.
build_text(FormatList, Options) ->
    try
        shoal_io_format:build(FormatList, Options)
    catch
        C:R:S ->
            test_modules_loaded(C, R, S),
            error(badarg, [FormatList, Options])
    end.
test_modules_loaded(_C, _R, _S) ->
    ok.
print(Term) ->
    shoal_io_pretty:print(Term).
print(Term, Column, LineLength, Depth) ->
    shoal_io_pretty:print(Term, Column, LineLength, Depth).
indentation(Chars, Current) ->
    shoal_io_format:indentation(Chars, Current).
format_prompt(Prompt) ->
    format_prompt(Prompt, latin1).
format_prompt({format, Format, Args}, _Encoding) ->
    do_format_prompt(Format, Args);
format_prompt(Prompt, Encoding)
    when is_list(Prompt); is_atom(Prompt); is_binary(Prompt) ->
    do_format_prompt(add_modifier(Encoding, "s"), [Prompt]);
format_prompt(Prompt, Encoding) ->
    do_format_prompt(add_modifier(Encoding, "p"), [Prompt]).
do_format_prompt(Format, Args) ->
    try
        format(Format, Args)
    catch
        _:_ ->
            "???"
    end.
add_modifier(latin1, C) ->
    "~" ++ C;
add_modifier(_, C) ->
    "~t" ++ C.
write(Term) ->
    write1(Term, -1, latin1).
write(Term, D, true) ->
    shoal_io_pretty:print(Term, 1, 80, D);
write(Term, D, false) ->
    write(Term, D).
write(Term, Options) when is_list(Options) ->
    Depth = get_option(depth, Options, -1),
    Encoding = get_option(encoding, Options, utf8),
    CharsLimit = get_option(chars_limit, Options, -1),
    if
        Depth =:= 0;CharsLimit =:= 0 ->
            "...";
        CharsLimit < 0 ->
            write1(Term, Depth, Encoding);
        CharsLimit > 0 ->
            RecDefFun =
                fun(_, _) ->
                       no
                end,
            If =
                shoal_io_pretty:intermediate(Term, Depth, CharsLimit,
                                           RecDefFun, Encoding,
                                           _Str = false),
            shoal_io_pretty:write(If)
    end;
write(Term, Depth) ->
    write(Term, [{depth, Depth}, {encoding, latin1}]).
write1(_Term, 0, _E) ->
    "...";
write1(Term, _D, _E) when is_integer(Term) ->
    integer_to_list(Term);
write1(Term, _D, _E) when is_float(Term) ->
    shoal_io_format:fwrite_g(Term);
write1(Atom, _D, latin1) when is_atom(Atom) ->
    write_atom_as_latin1(Atom);
write1(Atom, _D, _E) when is_atom(Atom) ->
    write_atom(Atom);
write1(Term, _D, _E) when is_pid(Term) ->
    pid_to_list(Term);
write1(Term, _D, _E) when is_reference(Term) ->
    write_ref(Term);
write1(Term, D, _E) when is_bitstring(Term) ->
    write_binary(Term, D);
write1([], _D, _E) ->
    "[]";
write1({}, _D, _E) ->
    "{}";
write1([H | T], D, E) ->
    if
        D =:= 1 ->
            "[...]";
        true ->
            [$[, [write1(H, D - 1, E) | write_tail(T, D - 1, E)], $]]
    end;
write1(F, _D, _E) when is_function(F) ->
    erlang:fun_to_list(F);
write1(Term, D, E) when is_map(Term) ->
    write_map(Term, D, E);
write1(T, D, E) when is_tuple(T) ->
    if
        D =:= 1 ->
            "{...}";
        true ->
            [${,
             [write1(element(1, T), D - 1, E) |
              write_tuple(T, 2, D - 1, E)],
             $}]
    end.
write_tail([], _D, _E) ->
    "";
write_tail(_, 1, _E) ->
    [$| | "..."];
write_tail([H | T], D, E) ->
    [$,, write1(H, D - 1, E) | write_tail(T, D - 1, E)];
write_tail(Other, D, E) ->
    [$|, write1(Other, D - 1, E)].
write_tuple(T, I, _D, _E) when I > tuple_size(T) ->
    "";
write_tuple(_, _I, 1, _E) ->
    [$, | "..."];
write_tuple(T, I, D, E) ->
    [$,,
     write1(element(I, T), D - 1, E) |
     write_tuple(T, I + 1, D - 1, E)].
write_ref(Ref) ->
    ref_to_list(Ref).
write_map(_, 1, _E) ->
    "#{}";
write_map(Map, D, E) when is_integer(D) ->
    I = maps:iterator(Map),
    case maps:next(I) of
        {K, V, NextI} ->
            D0 = D - 1,
            W = write_map_assoc(K, V, D0, E),
            [$#, ${, [W | write_map_body(NextI, D0, D0, E)], $}];
        none ->
            "#{}"
    end.
write_map_body(_, 1, _D0, _E) ->
    ",...";
write_map_body(I, D, D0, E) ->
    case maps:next(I) of
        {K, V, NextI} ->
            W = write_map_assoc(K, V, D0, E),
            [$,, W | write_map_body(NextI, D - 1, D0, E)];
        none ->
            ""
    end.
write_map_assoc(K, V, D, E) ->
    [write1(K, D, E), " => ", write1(V, D, E)].
write_binary(B, D) when is_integer(D) ->
    {S, _} = write_binary(B, D, -1),
    S.
write_binary(B, D, T) ->
    {S, Rest} = write_binary_body(B, D, tsub(T, 4), []),
    {[$<, $<, lists:reverse(S), $>, $>], Rest}.
%% OTP matches the binary a byte at a time; here its bytes are a list (and a
%% bitstring's last bits are taken by bitstring_tail/1, the one binary match).
write_binary_body(B, D, T, Acc) when is_binary(B) ->
    write_binary_bytes(binary_to_list(B), none, D, T, Acc);
write_binary_body(B, D, T, Acc) ->
    {Bytes, Tail} = bitstring_tail(B),
    write_binary_bytes(Bytes, Tail, D, T, Acc).
write_binary_bytes([], none, _D, _T, Acc) ->
    {Acc, <<>>};
write_binary_bytes(Bytes, Tail, D, T, Acc) when D =:= 1; T =:= 0 ->
    {["..." | Acc], binary_rest(Bytes, Tail)};
write_binary_bytes([X], none, _D, _T, Acc) ->
    {[integer_to_list(X) | Acc], <<>>};
write_binary_bytes([X | Rest], Tail, D, T, Acc) ->
    S = integer_to_list(X),
    write_binary_bytes(Rest, Tail,
                       D - 1,
                       tsub(T, length(S) + 1),
                       [$,, S | Acc]);
write_binary_bytes([], {L, X}, _D, _T, Acc) ->
    {[integer_to_list(L), $:, integer_to_list(X) | Acc], <<>>}.
bitstring_tail(B) ->
    N = bit_size(B) div 8,
    L = bit_size(B) rem 8,
    <<Bytes:N/binary, X:L>> = B,
    {binary_to_list(Bytes), {L, X}}.
binary_rest(Bytes, none) ->
    list_to_binary(Bytes);
binary_rest(Bytes, {L, X}) ->
    {list_to_binary(Bytes), {L, X}}.
tsub(T, _) when T < 0 ->
    T;
tsub(T, E) when T >= E ->
    T - E;
tsub(_, _) ->
    0.
get_option(Key, TupleList, Default) ->
    case lists:keyfind(Key, 1, TupleList) of
        false ->
            Default;
        {Key, Value} ->
            Value;
        _ ->
            Default
    end.
write_atom(Atom) ->
    write_possibly_quoted_atom(Atom, fun write_string/2).
write_atom_as_latin1(Atom) ->
    write_possibly_quoted_atom(Atom, fun write_string_as_latin1/2).
write_possibly_quoted_atom(Atom, PFun) ->
    Chars = atom_to_list(Atom),
    case quote_atom(Atom, Chars) of
        true ->
            PFun(Chars, $');
        false ->
            Chars
    end.
quote_atom(Atom, Cs0) ->
    case reserved_word(Atom) of
        true ->
            true;
        false ->
            case Cs0 of
                [C | Cs] when C >= $a, C =< $z ->
                    not name_chars(Cs);
                [C | Cs] when C >= 223, C =< 255, C =/= 247 ->
                    not name_chars(Cs);
                _ ->
                    true
            end
    end.
name_chars([C | Cs]) ->
    case name_char(C) of
        true ->
            name_chars(Cs);
        false ->
            false
    end;
name_chars([]) ->
    true.
name_char(C) when C >= $a, C =< $z ->
    true;
name_char(C) when C >= 223, C =< 255, C =/= 247 ->
    true;
name_char(C) when C >= $A, C =< $Z ->
    true;
name_char(C) when C >= 192, C =< 222, C =/= 215 ->
    true;
name_char(C) when C >= $0, C =< $9 ->
    true;
name_char($_) ->
    true;
name_char($@) ->
    true;
name_char(_) ->
    false.
write_string(S) ->
    write_string(S, $").
write_string(S, Q) ->
    [Q | write_string1(unicode_as_unicode, S, Q)].
write_unicode_string(S) ->
    write_string(S).
write_latin1_string(S) ->
    write_latin1_string(S, $").
write_latin1_string(S, Q) ->
    [Q | write_string1(latin1, S, Q)].
write_string_as_latin1(S) ->
    write_string_as_latin1(S, $").
write_string_as_latin1(S, Q) ->
    [Q | write_string1(unicode_as_latin1, S, Q)].
write_string1(_, [], Q) ->
    [Q];
write_string1(Enc, [C | Cs], Q) ->
    string_char(Enc, C, Q, write_string1(Enc, Cs, Q)).
string_char(_, Q, Q, Tail) ->
    [$\\, Q | Tail];
string_char(_, $\\, _, Tail) ->
    [$\\, $\\ | Tail];
string_char(_, C, _, Tail) when C >= $\s, C =< $~ ->
    [C | Tail];
string_char(latin1, C, _, Tail) when C >= 160, C =< 255 ->
    [C | Tail];
string_char(unicode_as_unicode, C, _, Tail) when C >= 160 ->
    [C | Tail];
string_char(unicode_as_latin1, C, _, Tail) when C >= 160, C =< 255 ->
    [C | Tail];
string_char(unicode_as_latin1, C, _, Tail) when C >= 255 ->
    "\\x{" ++ integer_to_list(C, 16) ++ "}" ++ Tail;
string_char(_, $\n, _, Tail) ->
    [$\\, $n | Tail];
string_char(_, $\r, _, Tail) ->
    [$\\, $r | Tail];
string_char(_, $\t, _, Tail) ->
    [$\\, $t | Tail];
string_char(_, $\v, _, Tail) ->
    [$\\, $v | Tail];
string_char(_, $\b, _, Tail) ->
    [$\\, $b | Tail];
string_char(_, $\f, _, Tail) ->
    [$\\, $f | Tail];
string_char(_, $\e, _, Tail) ->
    [$\\, $e | Tail];
string_char(_, $\d, _, Tail) ->
    [$\\, $d | Tail];
string_char(_, C, _, Tail) when C < 160 ->
    C1 = C bsr 6 + $0,
    C2 = (C bsr 3) band 7 + $0,
    C3 = C band 7 + $0,
    [$\\, C1, C2, C3 | Tail].
write_char($\s) ->
    "$\\s";
write_char(C) when is_integer(C), C >= $\000 ->
    [$$ | string_char(unicode_as_unicode, C, -1, [])].
write_unicode_char(C) ->
    write_char(C).
write_latin1_char(Lat1) when is_integer(Lat1), Lat1 >= $\000, Lat1 =< 255 ->
    [$$ | string_char(latin1, Lat1, -1, [])].
write_char_as_latin1(Uni) when is_integer(Uni), Uni >= $\000 ->
    [$$ | string_char(unicode_as_latin1, Uni, -1, [])].
latin1_char_list([C | Cs]) when is_integer(C), C >= $\000, C =< 255 ->
    latin1_char_list(Cs);
latin1_char_list([]) ->
    true;
latin1_char_list(_) ->
    false.
char_list([C | Cs])
    when
        is_integer(C), C >= 0, C < 55296;
        is_integer(C), C > 57343, C < 65534;
        is_integer(C), C > 65535, C =< 1114111 ->
    char_list(Cs);
char_list([]) ->
    true;
char_list(_) ->
    false.
deep_latin1_char_list(Cs) ->
    deep_latin1_char_list(Cs, []).
deep_latin1_char_list([C | Cs], More) when is_list(C) ->
    deep_latin1_char_list(C, [Cs | More]);
deep_latin1_char_list([C | Cs], More)
    when is_integer(C), C >= $\000, C =< 255 ->
    deep_latin1_char_list(Cs, More);
deep_latin1_char_list([], [Cs | More]) ->
    deep_latin1_char_list(Cs, More);
deep_latin1_char_list([], []) ->
    true;
deep_latin1_char_list(_, _More) ->
    false.
deep_char_list(Cs) ->
    deep_char_list(Cs, []).
deep_char_list([C | Cs], More) when is_list(C) ->
    deep_char_list(C, [Cs | More]);
deep_char_list([C | Cs], More)
    when
        is_integer(C), C >= 0, C < 55296;
        is_integer(C), C > 57343, C < 65534;
        is_integer(C), C > 65535, C =< 1114111 ->
    deep_char_list(Cs, More);
deep_char_list([], [Cs | More]) ->
    deep_char_list(Cs, More);
deep_char_list([], []) ->
    true;
deep_char_list(_, _More) ->
    false.
deep_unicode_char_list(Term) ->
    deep_char_list(Term).
printable_latin1_list([C | Cs]) when is_integer(C), C >= $\s, C =< $~ ->
    printable_latin1_list(Cs);
printable_latin1_list([C | Cs]) when is_integer(C), C >= 160, C =< 255 ->
    printable_latin1_list(Cs);
printable_latin1_list([$\n | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\r | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\t | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\v | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\b | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\f | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([$\e | Cs]) ->
    printable_latin1_list(Cs);
printable_latin1_list([]) ->
    true;
printable_latin1_list(_) ->
    false.
printable_list(L) ->
    printable_latin1_list(L).
printable_unicode_list([C | Cs]) when is_integer(C), C >= $\s, C =< $~ ->
    printable_unicode_list(Cs);
printable_unicode_list([C | Cs])
    when
        is_integer(C), C >= 160, C < 55296;
        is_integer(C), C > 57343, C < 65534;
        is_integer(C), C > 65535, C =< 1114111 ->
    printable_unicode_list(Cs);
printable_unicode_list([$\n | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\r | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\t | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\v | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\b | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\f | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([$\e | Cs]) ->
    printable_unicode_list(Cs);
printable_unicode_list([]) ->
    true;
printable_unicode_list(_) ->
    false.
nl() ->
    "\n".
limit_term(Term, Depth) ->
    try test_limit(Term, Depth) of
        ok ->
            Term
    catch
        throw:limit ->
            limit(Term, Depth)
    end.
limit(_, 0) ->
    '...';
limit([H | T] = L, D) ->
    if
        D =:= 1 ->
            ['...'];
        true ->
            case printable_list(L) of
                true ->
                    L;
                false ->
                    [limit(H, D - 1) | limit_tail(T, D - 1)]
            end
    end;
limit(Term, D) when is_map(Term) ->
    limit_map(Term, D);
limit({} = T, _D) ->
    T;
limit(T, D) when is_tuple(T) ->
    if
        D =:= 1 ->
            {'...'};
        true ->
            list_to_tuple([limit(element(1, T), D - 1) |
                           limit_tuple(T, 2, D - 1)])
    end;
limit(Term, D) when is_bitstring(Term) ->
    limit_bitstring(Term, D);
limit(Term, _D) ->
    Term.
limit_tail([], _D) ->
    [];
limit_tail(_, 1) ->
    ['...'];
limit_tail([H | T], D) ->
    [limit(H, D - 1) | limit_tail(T, D - 1)];
limit_tail(Other, D) ->
    limit(Other, D - 1).
limit_tuple(T, I, _D) when I > tuple_size(T) ->
    [];
limit_tuple(_, _I, 1) ->
    ['...'];
limit_tuple(T, I, D) ->
    [limit(element(I, T), D - 1) | limit_tuple(T, I + 1, D - 1)].
limit_map(Map, D) ->
    limit_map_body(maps:iterator(Map), D + 1, D, []).
limit_map_body(_I, 0, _D0, Acc) ->
    maps:from_list(Acc);
limit_map_body(I, D, D0, Acc) ->
    case maps:next(I) of
        {K, V, NextI} ->
            limit_map_body(NextI,
                           D - 1,
                           D0,
                           [limit_map_assoc(K, V, D0) | Acc]);
        none ->
            maps:from_list(Acc)
    end.
limit_map_assoc(K, V, D) ->
    {K, limit(V, D - 1)}.
limit_bitstring(B, _D) ->
    B.
test_limit(_, 0) ->
    throw(limit);
test_limit([H | T] = L, D) when is_integer(D) ->
    if
        D =:= 1 ->
            throw(limit);
        true ->
            case printable_list(L) of
                true ->
                    ok;
                false ->
                    test_limit(H, D - 1),
                    test_limit_tail(T, D - 1)
            end
    end;
test_limit(Term, D) when is_map(Term) ->
    test_limit_map(Term, D);
test_limit({}, _D) ->
    ok;
test_limit(T, D) when is_tuple(T) ->
    test_limit_tuple(T, 1, tuple_size(T), D);
test_limit(Term, D) when is_bitstring(Term) ->
    test_limit_bitstring(Term, D);
test_limit(_Term, _D) ->
    ok.
test_limit_tail([], _D) ->
    ok;
test_limit_tail(_, 1) ->
    throw(limit);
test_limit_tail([H | T], D) ->
    test_limit(H, D - 1),
    test_limit_tail(T, D - 1);
test_limit_tail(Other, D) ->
    test_limit(Other, D - 1).
test_limit_tuple(_T, I, Sz, _D) when I > Sz ->
    ok;
test_limit_tuple(_, _, _, 1) ->
    throw(limit);
test_limit_tuple(T, I, Sz, D) ->
    test_limit(element(I, T), D - 1),
    test_limit_tuple(T, I + 1, Sz, D - 1).
test_limit_map(Map, D) ->
    test_limit_map_body(maps:iterator(Map), D).
test_limit_map_body(_I, 0) ->
    throw(limit);
test_limit_map_body(I, D) ->
    case maps:next(I) of
        {K, V, NextI} ->
            test_limit_map_assoc(K, V, D),
            test_limit_map_body(NextI, D - 1);
        none ->
            ok
    end.
test_limit_map_assoc(K, V, D) ->
    test_limit(K, D - 1),
    test_limit(V, D - 1).
test_limit_bitstring(_, _) ->
    ok.
chars_length(S) ->
    try
        iolist_size(S)
    catch
        _:_ ->
            shoal_io_unicode:length(S)
    end.
%% erl_scan:reserved_word/1 in OTP 25 (erl_features:keywords() is [] unless
%% the maybe_expr feature is enabled, which Shoal's programs cannot be).
reserved_word('after') -> true;
reserved_word('begin') -> true;
reserved_word('case') -> true;
reserved_word('try') -> true;
reserved_word('cond') -> true;
reserved_word('catch') -> true;
reserved_word('andalso') -> true;
reserved_word('orelse') -> true;
reserved_word('end') -> true;
reserved_word('fun') -> true;
reserved_word('if') -> true;
reserved_word('let') -> true;
reserved_word('of') -> true;
reserved_word('receive') -> true;
reserved_word('when') -> true;
reserved_word('bnot') -> true;
reserved_word('not') -> true;
reserved_word('div') -> true;
reserved_word('rem') -> true;
reserved_word('band') -> true;
reserved_word('and') -> true;
reserved_word('bor') -> true;
reserved_word('bxor') -> true;
reserved_word('bsl') -> true;
reserved_word('bsr') -> true;
reserved_word('or') -> true;
reserved_word('xor') -> true;
reserved_word(_) -> false.
