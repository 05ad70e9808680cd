%% CPU-bound kernels, for the compiler benchmark (bench/compiled.ts): the same
%% .beam runs on the BEAM and, compiled by Shoal's compiler, on Shoal.
%%   fib      naive fib(N)
%%   sort     lists:sort/1 of N pseudo-random integers
%%   words    a word count of N words in a map (maps:get/3, M#{K => V})
%%   loop     a tail-recursive loop of N iterations
%%   deep     a body recursion N deep (a list built and summed)
%% Usage: erl -noshell -pa ebin -run cpu_bench main [Fib Sort Words Loop Deep] -s init stop
-module(cpu_bench).
-export([main/0, main/1, fib/1, sort/1, words/1, loop/1, deep/1]).

main() -> main([]).
main([]) -> main(["30", "1000000", "1000000", "100000000", "1000000"]);
main([Fib, Sort, Words, Loop, Deep]) ->
    time("fib", fun() -> fib(list_to_integer(Fib)) end, 1),
    time("sort", fun() -> sort(list_to_integer(Sort)) end, list_to_integer(Sort)),
    time("words", fun() -> words(list_to_integer(Words)) end, list_to_integer(Words)),
    time("loop", fun() -> loop(list_to_integer(Loop)) end, list_to_integer(Loop)),
    time("deep", fun() -> deep(list_to_integer(Deep)) end, list_to_integer(Deep)).

time(Name, F, N) ->
    T0 = erlang:monotonic_time(nanosecond),
    R = F(),
    T1 = erlang:monotonic_time(nanosecond),
    io:format("RESULT cpu.~s ~.3f ms~n", [Name, (T1 - T0) / 1.0e6]),
    io:format("RESULT cpu.~s_per_item ~.2f ns~n", [Name, (T1 - T0) / N]),
    io:format("CHECK ~s ~p~n", [Name, R]).

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).

sort(N) -> length(lists:sort(random_list(N, 12345, []))).

random_list(0, _, Acc) -> Acc;
random_list(N, S, Acc) ->
    S2 = (S * 69069 + 1) band 16#FFFFFF,
    random_list(N - 1, S2, [S2 | Acc]).

words(N) -> maps:size(count(random_list(N, 7, []), #{})).

count([], M) -> M;
count([W | T], M) -> K = W rem 1000, count(T, M#{K => maps:get(K, M, 0) + 1}).

loop(N) -> loop(N, 0).
loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + (N band 1)).

deep(N) -> sum(seq(1, N)).

seq(A, B) when A > B -> [];
seq(A, B) -> [A | seq(A + 1, B)].

sum([]) -> 0;
sum([H | T]) -> H + sum(T).
