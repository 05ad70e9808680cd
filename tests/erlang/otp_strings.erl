%% OTP's string and unicode (with unicode_util), compiled unmodified.
-module(otp_strings).
-export([main/0]).

main() ->
    p(string:split("a,b,,c", ",", all)),
    p(string:split(<<"key=value=x">>, "=")),
    p(string:split("a-b-c", "-", trailing)),
    p({string:trim("  hi  "), string:trim(<<"\t x \n">>), string:trim("xxhixx", both, "x"), string:trim("  hi  ", leading)}),
    p({string:uppercase("shoal"), string:lowercase("ShOaL ÅÄÖ"), string:titlecase("hello"), string:casefold("ßtraße")}),
    p({string:length("héllo"), string:length(<<"héllo"/utf8>>), string:length("e\x{301}x")}),
    p({string:find("hello world", "o w"), string:find("hello", "z"), string:find(<<"a.b.c">>, ".", trailing)}),
    p(string:lexemes("the quick  brown fox", " ")),
    p(string:tokens("the quick  brown fox", " ")),
    p({string:reverse("abc"), string:slice("hello world", 6), string:slice("hello", 1, 3)}),
    p({string:pad("ab", 5), string:pad("ab", 5, leading, $.), string:pad("ab", 6, both)}),
    p({string:prefix("foobar", "foo"), string:prefix("foobar", "bar")}),
    p({string:replace("a.b.c", ".", "-", all), string:replace("a.b.c", ".", "-")}),
    p({string:equal("abc", "ABC", true), string:equal("abc", <<"abc">>), string:is_empty(""), string:is_empty([<<>>])}),
    p({string:take("abc123", "abc"), string:chomp("line\n"), string:next_grapheme("héllo"), string:next_codepoint(<<"é!"/utf8>>)}),
    p({string:nth_lexeme("a b c", 2, " "), string:to_graphemes("ae\x{301}")}),
    p({string:to_integer("42 apples"), string:to_integer(<<"-7x">>), string:to_integer("x"), string:to_integer(foo),
       string:to_float("3.25e2 m"), string:to_float(<<"1,5">>), string:to_float("1"), string:to_float("2.0e999")}),
    p({string:str("hello", "ll"), string:chr("hello", $l), string:substr("hello", 2, 3), string:strip("  x  "),
       string:copies("ab", 3), string:join(["a", "b", "c"], ", "), string:to_upper("abc"), string:words("a b  c")}),
    p({string:left("ab", 4, $.), string:right("ab", 4, $.), string:centre("ab", 6, $*), string:sub_word("a b c", 2)}),
    p({unicode:characters_to_list(<<"héllo ✓"/utf8>>), unicode:characters_to_binary("héllo ✓"),
       unicode:characters_to_binary([<<"a">>, "é", [$z]], unicode, latin1), unicode:characters_to_list(<<233>>, latin1),
       unicode:characters_to_binary(<<"é"/utf8>>, utf8, utf16), unicode:characters_to_list([$a, 16#D800])}),
    p({unicode:characters_to_nfd_list("é"), unicode:characters_to_nfc_list("e\x{301}"), unicode:characters_to_nfkc_binary("ﬁ")}),
    p(try unicode:characters_to_list(foo) catch error:R -> {caught, R} end),
    ok.

p(T) -> io:format("~p~n", [T]).
