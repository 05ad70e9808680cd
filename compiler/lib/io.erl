%% Shoal's io: the output functions of OTP's io, without an I/O server.
%%
%% On the BEAM, io:format(standard_io, ...) sends an I/O request to the group
%% leader; under `erl -noshell' (OTP 25) that is the `user' server, whose
%% encoding is latin1: it runs io_lib:format/2 itself, then writes each
%% character below 256 as one byte and each one above as the text \x{HEX}
%% (user:wrap_characters_to_binary/3). Here the same happens in the calling
%% process, and the bytes go to standard output through the one output
%% primitive, erlang:display_string/1, given a binary (written raw).
%%
%% Errors are OTP's: a bad format, argument list or character data raises
%% error:badarg (with the caller's arguments), a device that is not
%% standard_io or user raises error:badarg (error:calling_self for self()).
-module(io).
-export([format/1, format/2, format/3,
         fwrite/1, fwrite/2, fwrite/3,
         put_chars/1, put_chars/2,
         nl/0, nl/1,
         write/1, write/2,
         printable_range/0, columns/0, columns/1, rows/0, rows/1,
         getopts/0, getopts/1]).

format(Format) ->
    case chars(fun() -> io_lib:format(Format, []) end) of
        error -> erlang:error(badarg, [Format]);
        Bytes -> out(Bytes)
    end.

format(Format, Args) ->
    case chars(fun() -> io_lib:format(Format, Args) end) of
        error -> erlang:error(badarg, [Format, Args]);
        Bytes -> out(Bytes)
    end.

format(Io, Format, Args) ->
    case device(Io) of
        ok ->
            case chars(fun() -> io_lib:format(Format, Args) end) of
                error -> erlang:error(badarg, [Io, Format, Args]);
                Bytes -> out(Bytes)
            end;
        Reason ->
            erlang:error(Reason, [Io, Format, Args])
    end.

fwrite(Format) ->
    case chars(fun() -> io_lib:format(Format, []) end) of
        error -> erlang:error(badarg, [Format]);
        Bytes -> out(Bytes)
    end.

fwrite(Format, Args) ->
    case chars(fun() -> io_lib:format(Format, Args) end) of
        error -> erlang:error(badarg, [Format, Args]);
        Bytes -> out(Bytes)
    end.

fwrite(Io, Format, Args) ->
    case device(Io) of
        ok ->
            case chars(fun() -> io_lib:format(Format, Args) end) of
                error -> erlang:error(badarg, [Io, Format, Args]);
                Bytes -> out(Bytes)
            end;
        Reason ->
            erlang:error(Reason, [Io, Format, Args])
    end.

put_chars(Chars) ->
    case chars(fun() -> Chars end) of
        error -> erlang:error(badarg, [Chars]);
        Bytes -> out(Bytes)
    end.

put_chars(Io, Chars) ->
    case device(Io) of
        ok ->
            case chars(fun() -> Chars end) of
                error -> erlang:error(badarg, [Io, Chars]);
                Bytes -> out(Bytes)
            end;
        Reason ->
            erlang:error(Reason, [Io, Chars])
    end.

nl() ->
    out([$\n]).

nl(Io) ->
    case device(Io) of
        ok -> out([$\n]);
        Reason -> erlang:error(Reason, [Io])
    end.

write(Term) ->
    out(latin1(characters(io_lib:write(Term)))).

write(Io, Term) ->
    case device(Io) of
        ok -> out(latin1(characters(io_lib:write(Term))));
        Reason -> erlang:error(Reason, [Io, Term])
    end.

%% As OTP 25 without +pc unicode.
printable_range() ->
    latin1.

%% The options of standard_io under `erl -noshell' (OTP 25). setopts is not
%% provided: the encoding cannot be changed (see README.md).
getopts() ->
    [{binary, false}, {encoding, latin1}].

getopts(Io) ->
    case device(Io) of
        ok -> getopts();
        Reason -> erlang:error(Reason, [Io])
    end.

%% Standard output under -noshell is not a terminal to the io server.
columns() ->
    {error, enotsup}.

columns(Io) ->
    case device(Io) of
        ok -> {error, enotsup};
        Reason -> erlang:error(Reason, [Io])
    end.

rows() ->
    {error, enotsup}.

rows(Io) ->
    case device(Io) of
        ok -> {error, enotsup};
        Reason -> erlang:error(Reason, [Io])
    end.

%% The devices that are standard output: standard_io (the group leader) and
%% user. A request to oneself is OTP's calling_self; any other device is
%% badarg (OTP: an unregistered name; a pid is a shortfall, see README.md).
device(standard_io) -> ok;
device(user) -> ok;
device(Pid) when is_pid(Pid) ->
    case Pid =:= self() of
        true -> calling_self;
        false -> badarg
    end;
device(_) -> badarg.

%% The characters a request writes, as the bytes the latin1 device writes,
%% or error.
chars(Fun) ->
    try Fun() of
        Data when is_list(Data); is_binary(Data) ->
            case shoal_io_unicode:characters_to_list(Data) of
                error -> error;
                Cs -> latin1(Cs)
            end;
        _ ->
            error
    catch
        _:_ ->
            error
    end.

characters(Chars) ->
    case shoal_io_unicode:characters_to_list(Chars) of
        error -> erlang:error(badarg);
        Cs -> Cs
    end.

%% Characters (a flat list) to the bytes a latin1 device writes.
latin1([C | Cs]) when is_integer(C), C < 256 ->
    [C | latin1(Cs)];
latin1([C | Cs]) ->
    "\\x{" ++ integer_to_list(C, 16) ++ "}" ++ latin1(Cs);
latin1([]) ->
    [].

%% The one output primitive. On Shoal, erlang:display_string/1 writes a
%% binary's bytes raw to standard output. OTP 25's erlang:display_string/1
%% writes to standard error instead (encoding characters as UTF-8, \n as
%% \r\n, and refusing binaries), so to run these modules on the BEAM compile
%% them with -DBEAM_STDOUT: the bytes then go to the group leader as a latin1
%% put_chars request (what file:write/2 sends), which the user server writes
%% unchanged, in order with all other output. It is sent here rather than
%% through file:write/2, which calls io:request/2: so these modules can also
%% stand in for OTP's io and io_lib on the BEAM.
-ifdef(BEAM_STDOUT).
out(Bytes) ->
    GL = group_leader(),
    Ref = erlang:monitor(process, GL),
    GL ! {io_request, self(), Ref, {put_chars, latin1, list_to_binary(Bytes)}},
    receive
        {io_reply, Ref, ok} ->
            erlang:demonitor(Ref, [flush]),
            ok;
        {io_reply, Ref, _} ->
            erlang:demonitor(Ref, [flush]),
            erlang:error(badarg);
        {'DOWN', Ref, _, _, _} ->
            erlang:error(terminated)
    end.
-else.
out(Bytes) ->
    erlang:display_string(list_to_binary(Bytes)),
    ok.
-endif.
