// The natives (assembly/natives/): built-in functions found by name in the
// export table. Called through apply_mfa from a process (the native_caller
// program, assembly/testing/programs/natives.ts) as compiled code calls
// another module, on many inputs including the bad ones, and every answer
// (or the exception it raised) set beside what the real BEAM answers for the
// same call in this run; erlang:display/1 byte for byte against erts's
// output; display_string/1; the process natives; a native spawned from the
// host by name; and a native replacing a linked program's entry of the same
// name (OTP's lists.beam stubs). Both backends.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { encode, decode } from "../host/etf";
import { Atom, Tuple, Float, ImproperList, Pid, Ref, Runtime, BitString, formatTerm } from "../host";
import { BACKENDS, start, type Harness } from "./helpers";

const A = (name: string): Atom => Atom.of(name);
const T = (...e: unknown[]): Tuple => new Tuple(e);
const B = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
const S = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);
const C = (m: string, f: string, ...args: unknown[]): Tuple => T(A(m), A(f), args);
const E = (f: string, ...args: unknown[]): Tuple => C("erlang", f, ...args);

// ── BEAM's answers -----------------------------------------------------------------------------

/** Run `expr` in erl with In bound to the decoded `input`; [the ETF of its value decoded, its stdout]. */
function erl(input: unknown, expr: string): [unknown, string] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-natives-"));
  try {
    const inFile = path.join(dir, "in.etf"), outFile = path.join(dir, "out.etf");
    fs.writeFileSync(inFile, encode(input));
    const program = `[InF, OutF] = init:get_plain_arguments(), {ok, B} = file:read_file(InF), In = binary_to_term(B), `
      + `ok = file:write_file(OutF, term_to_binary(begin ${expr} end)), halt().`;
    const r = spawnSync("erl", ["-noshell", "-eval", program, "-extra", inFile, outFile], { encoding: "buffer", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`erl failed (${r.status}): ${r.stderr.toString() || r.stdout.toString()}`);
    return [decode(fs.readFileSync(outFile)), new TextDecoder().decode(r.stdout)];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each call {M, F, Args} on BEAM: its value, or {Class, Reason}. */
function beamResults(calls: Tuple[]): unknown[] {
  return erl(calls, "[try erlang:apply(M, F, Args) catch C:R -> {C, R} end || {M, F, Args} <- In]")[0] as unknown[];
}

/** The calls through a native_caller process (with a major collection before each, or the young generation filled: `between`). */
async function shoalResults(h: Harness, calls: Tuple[], between: "" | "gc" | "fill" = ""): Promise<unknown[]> {
  const caller = h.rt.spawn("native_caller");
  const out: unknown[] = [];
  for (let i = 0; i < calls.length; i += 300) {
    const batch = calls.slice(i, i + 300);
    h.rt.send(caller, between ? T(A(between), batch) : batch);
    out.push(...((await h.rt.receive({ timeoutMs: 60_000 })) as unknown[]));
  }
  h.rt.send(caller, A("stop"));
  await h.rt.run();
  expect(h.exitOf(caller)).toBe("normal");
  return out;
}

/** Expect each result to equal BEAM's, naming the call that differs. */
function expectSame(calls: Tuple[], got: unknown[], want: unknown[]): void {
  expect(got.length).toBe(want.length);
  const diffs: string[] = [];
  for (let i = 0; i < calls.length; i++) {
    try { expect(got[i]).toEqual(want[i]); } catch {
      diffs.push(`${formatTerm(calls[i])}: shoal ${formatTerm(got[i])}, beam ${formatTerm(want[i])}`);
    }
  }
  expect(diffs).toEqual([]);
}

// ── the calls ---------------------------------------------------------------------------------

const big = 123456789012345678901234567890n;
const map1 = new Map<unknown, unknown>([[A("a"), 1], [A("b"), 2], [1, A("one")], [new Float(1), A("float_one")]]);
const bigMap = new Map<unknown, unknown>(Array.from({ length: 40 }, (_, i) => [i * 7 % 40, i] as [unknown, unknown]));
/** Terms of every kind (no pids, references or funs: they differ between runtimes or cannot cross). */
const SAMPLES: unknown[] = [0, 1, -1, 42, 2 ** 40, big, -big, new Float(1), 2.5, -0.5, new Float(0), A("a"), A("b"), A("true"), A("false"),
  A("hello world"), [], [1, 2, 3], S("abc"), [A("a"), [A("b")]], new ImproperList([1], 2), T(), T(1, 2), T(new Float(1), 2), T(A("a"), [1]),
  new Map(), map1, B(), B(1, 2, 3), B(...S("abc")), Uint8Array.from({ length: 100 }, (_, i) => i)];

function termCalls(): Tuple[] {
  const calls: Tuple[] = [];
  const tup = T(A("a"), A("b"), A("c"));
  for (const n of [0, 1, 2, 3, 4, -1, A("a"), big, new Float(1)]) calls.push(E("element", n, tup), E("setelement", n, tup, A("x")));
  calls.push(E("element", 1, [1]), E("setelement", 1, A("a"), 1), E("element", 1, T()));
  for (const s of SAMPLES) {
    for (const f of ["tuple_size", "size", "length", "hd", "tl", "byte_size", "bit_size", "map_size", "tuple_to_list", "list_to_tuple",
      "is_atom", "is_binary", "is_bitstring", "is_boolean", "is_float", "is_function", "is_integer", "is_list", "is_map", "is_number",
      "is_pid", "is_port", "is_reference", "is_tuple", "not", "atom_to_list", "atom_to_binary", "binary_to_list", "list_to_binary",
      "iolist_to_binary", "iolist_size", "list_to_atom", "binary_to_atom", "phash2", "term_to_binary", "length"]) calls.push(E(f, s));
    calls.push(E("is_function", s, 0), E("phash2", s, 1000), E("phash", s, 1000), E("phash", s, 2 ** 32), E("phash", s, 2 ** 32 - 1), E("make_tuple", 2, s), E("append_element", T(1), s), E("append_element", s, 1));
    calls.push(E("map_get", A("a"), s), E("is_map_key", 1, s), E("++", s, [1]), E("++", [1], s), E("--", s, [1]), E("--", [1, 2], s));
    calls.push(C("maps", "get", A("a"), s), C("maps", "find", 1, s), C("maps", "keys", s), C("maps", "values", s), C("maps", "to_list", s),
      C("maps", "put", A("k"), 1, s), C("maps", "merge", s, map1), C("maps", "merge", map1, s), C("maps", "from_list", s), C("maps", "from_keys", s, 0),
      C("lists", "reverse", s, [0]), C("lists", "member", 1, s), C("lists", "keyfind", 1, 1, s));
  }
  // comparisons, min, max, the boolean operators, over pairs of samples
  const few = [1, new Float(1), 2, big, A("a"), A("b"), T(1), T(new Float(1)), [], [1], new Map([[1, 1]]), new Map([[new Float(1), 1]]), B(1), S("ab")];
  for (const a of few) for (const b of few) {
    for (const op of ["=:=", "=/=", "==", "/=", "<", ">", "=<", ">=", "min", "max"]) calls.push(E(op, a, b));
  }
  for (const a of [A("true"), A("false"), 1]) for (const b of [A("true"), A("false"), 1]) {
    for (const op of ["and", "or", "xor"]) calls.push(E(op, a, b));
  }
  // atoms and text
  calls.push(E("list_to_atom", S("hello")), E("list_to_atom", [1046, 97]), E("list_to_atom", [-1]), E("list_to_atom", Array(256).fill(97)),
    E("list_to_atom", Array(255).fill(97)), E("list_to_existing_atom", S("erlang")), E("list_to_existing_atom", S("no_such_atom_natives_test_42")),
    E("atom_to_list", A("é")), E("atom_to_list", A("Жx")), E("atom_to_binary", A("é"), A("latin1")), E("atom_to_binary", A("Ж"), A("latin1")),
    E("atom_to_binary", A("é"), A("utf8")), E("atom_to_binary", A("a"), A("unicode")), E("atom_to_binary", A("a"), A("foo")),
    E("binary_to_atom", B(...S("abc"))), E("binary_to_atom", B(255)), E("binary_to_atom", B(233), A("latin1")), E("binary_to_atom", B(233), A("utf8")),
    E("binary_to_atom", B(...S("x")), A("foo")), E("binary_to_existing_atom", B(...S("erlang")), A("utf8")),
    E("binary_to_existing_atom", B(...S("no_such_atom_natives_test_43")), A("utf8")));
  const bin = B(1, 2, 3, 4, 5);
  for (const [s, e] of [[1, 5], [2, 3], [3, 3], [2, 1], [0, 1], [1, 6], [6, 5], [A("a"), 1]]) calls.push(E("binary_to_list", bin, s, e));
  for (const k of [0, 1, 4, 5, 6, -1, A("a")]) calls.push(E("split_binary", bin, k), E("split_binary", Uint8Array.from({ length: 100 }, (_, i) => i), k));
  const io = [1, [2, B(3, 4)], [[[]]], B(), new ImproperList([5], B(6))];
  for (const l of [io, new ImproperList([1], B(2)), [1, 256], [1, -1], [A("a")], new ImproperList([1], 2), [[1, [2, [3, [4]]]]], B(9)]) {
    calls.push(E("list_to_binary", l), E("iolist_to_binary", l), E("iolist_size", l));
  }
  calls.push(E("make_tuple", 0, A("x")), E("make_tuple", -1, A("x")), E("make_tuple", A("a"), A("x")));
  calls.push(E("--", [1, 2, 3, 2, 1], [2, 1]), E("--", [1, new Float(1)], [new Float(1)]), E("--", [A("a"), A("b")], [A("c")]),
    E("++", [1, 2], new ImproperList([3], 4)), E("++", new ImproperList([1], 2), [3]));
  calls.push(E("is_function", 1, -1), E("is_function", 1, A("a")), E("is_function", 1, big), E("phash2", 1, 0), E("phash2", 1, 2 ** 32),
    E("phash2", 1, 2 ** 32 + 1), E("phash2", 1, A("a")), E("phash", 1, 0), E("phash", 1, 2 ** 32 + 1), E("phash", 1, A("a")));
  for (const v of [2n ** 32n - 1n, 2n ** 32n, 2n ** 59n - 1n, -(2n ** 59n), 2n ** 64n, 2n ** 64n - 1n, -(2n ** 70n), 2n ** 130n + 7n, 255, 256, -0.0, new Float(-0), 1e-300, A("é"), A("Жx"), [256, 1], [1, 2, 3], new ImproperList([1, A("a")], 2)]) {
    calls.push(E("phash", v, 2 ** 32), E("phash", T(v, [v]), 12345));
  }
  for (const s of SAMPLES) calls.push(E("binary_to_term", encode(s)));
  calls.push(E("binary_to_term", B(131, 1)), E("binary_to_term", B()), E("binary_to_term", A("a")));
  return calls;
}

/** A bitstring of `bits` bits (its bytes from the first's top bit; bits % 8 != 0). */
const Bits = (bits: number, ...bytes: number[]): BitString => new BitString(Uint8Array.from(bytes), bits % 8);
/** Bitstrings that are not whole bytes: small, across a word, off-heap-sized, nested in other terms. */
const BITSTRINGS: unknown[] = [Bits(3, 32), Bits(1, 0), Bits(1, 128), Bits(18, 1, 2, 192), Bits(63, 0, 0, 0, 0, 0, 0, 0, 2),
  new BitString(Uint8Array.from({ length: 101 }, (_, i) => (i === 100 ? 0x80 : i)), 1), T(Bits(5, 40), [Bits(33, 97, 98, 99, 100, 128)])];

/** The bitstring natives, and the term natives given bitstrings, against BEAM. */
function bitstringCalls(): Tuple[] {
  const calls: Tuple[] = [];
  const all = [...BITSTRINGS, B(), B(1, 2, 3), B(128)];
  for (const b of all) {
    for (const f of ["bit_size", "byte_size", "is_bitstring", "is_binary", "bitstring_to_list", "binary_to_list", "list_to_binary", "iolist_size",
      "phash2", "term_to_binary", "size", "list_to_bitstring"]) calls.push(E(f, b));
    calls.push(E("phash2", b, 1000), E("phash", b, 2 ** 32), E("phash", b, 77), E("binary_to_term", encode(b)), E("list_to_bitstring", [b, 1, [b], b]));
    for (const [s, l] of [[0, 0], [0, 1], [1, 1], [2, -1], [0, 3], [1, 12]]) calls.push(E("binary_part", b, s, l), E("binary_part", b, T(s, l)));
  }
  calls.push(E("list_to_bitstring", new ImproperList([1, Bits(2, 64)], Bits(7, 254))), E("list_to_bitstring", [Bits(1, 128), 256]),
    E("list_to_bitstring", new ImproperList([1], 2)), E("bitstring_to_list", A("a")), E("list_to_bitstring", A("a")));
  // term order and equality between binaries and bitstrings
  const few = [B(), Bits(1, 0), Bits(1, 128), B(0), Bits(7, 2), B(1), B(128), Bits(9, 128, 0), Bits(15, 255, 254), B(255, 255), T(Bits(3, 32)), A("a")];
  for (const a of few) for (const b of few) for (const op of ["=:=", "==", "<", ">=", "min"]) calls.push(E(op, a, b));
  // the External Term Format's bitstrings as BEAM writes them: the unused bits of the last byte ignored; bad Bits fields
  calls.push(E("binary_to_term", B(131, 77, 0, 0, 0, 2, 3, 1, 255)), E("binary_to_term", B(131, 77, 0, 0, 0, 1, 8, 7)),
    E("binary_to_term", B(131, 77, 0, 0, 0, 0, 0)), E("binary_to_term", B(131, 77, 0, 0, 0, 1, 0, 7)), E("binary_to_term", B(131, 77, 0, 0, 0, 1, 9, 7)),
    E("binary_to_term", B(131, 77, 0, 0, 0, 0, 3)), E("binary_to_term", B(131, 77, 0, 0, 0, 2, 3, 1)));
  return calls;
}

function listsMapsCalls(): Tuple[] {
  const calls: Tuple[] = [];
  const tl = [T(A("a"), 1), T(1, A("int")), T(new Float(2), A("float")), A("x"), T(), T(A("b"), 2, 3)];
  for (const k of [A("a"), 1, new Float(1), 2, A("b"), A("zz")]) {
    for (const n of [1, 2, 3, 0, A("a")]) {
      calls.push(C("lists", "keyfind", k, n, tl), C("lists", "keymember", k, n, tl), C("lists", "keysearch", k, n, tl));
    }
    calls.push(C("lists", "member", k, tl), C("lists", "member", k, [1, A("a"), new Float(2)]));
  }
  calls.push(C("lists", "keyfind", 9, 1, new ImproperList([T(1)], 2)), C("lists", "keyfind", 1, 1, new ImproperList([T(1)], 2)),
    C("lists", "member", 9, new ImproperList([1], 2)), C("lists", "reverse", [1, 2, 3], []), C("lists", "reverse", [], A("x")),
    C("lists", "reverse", new ImproperList([1], 2), []), C("lists", "reverse", [1, [2]], new ImproperList([3], 4)));
  for (const m of [new Map(), map1, bigMap]) {
    for (const k of [A("a"), A("c"), 1, new Float(1), 5, 39, A("zz")]) {
      calls.push(C("maps", "get", k, m), C("maps", "find", k, m), C("maps", "is_key", k, m), C("maps", "remove", k, m),
        C("maps", "take", k, m), C("maps", "put", k, A("new"), m), C("maps", "update", k, A("new"), m), E("map_get", k, m), E("is_map_key", k, m));
    }
    calls.push(C("maps", "merge", m, map1), C("maps", "merge", map1, m), C("maps", "merge", m, bigMap), E("map_size", m));
  }
  // keys, values, to_list of maps of at most 32 keys (a larger map's order is the HAMT's on BEAM)
  for (const m of [new Map(), map1, new Map([[T(1), 1], [[1], 2], [B(1), 3], [A("x"), 4], [-5, 5], [2.5, 6]])]) {
    calls.push(C("maps", "keys", m), C("maps", "values", m), C("maps", "to_list", m),
      C("erts_internal", "map_next", 0, m, A("iterator")), C("erts_internal", "map_next", 0, m, [A("acc")]));
  }
  calls.push(C("erts_internal", "map_next", 0, A("a"), A("iterator")), C("erts_internal", "map_next", A("a"), map1, A("iterator")),
    C("erts_internal", "map_next", 0, map1, A("foo")));
  calls.push(C("maps", "from_list", [T(A("b"), 1), T(A("a"), 2), T(A("b"), 3), T(1, 4), T(new Float(1), 5), T(1, 6)]),
    C("maps", "from_list", [T(1, 2), A("x")]), C("maps", "from_list", new ImproperList([T(1, 2)], 3)), C("maps", "from_list", []),
    C("maps", "from_list", Array.from({ length: 60 }, (_, i) => T((i * 37) % 50, i))),
    C("maps", "from_keys", [3, 1, 2, 1, A("a")], 0), C("maps", "from_keys", new ImproperList([1], 2), 0),
    C("maps", "to_list", C("maps", "from_list", [])));
  // maps:to_list of a large map, sorted on both sides (the orders differ by design)
  return calls;
}

/** unicode's, math's and binary's natives (what OTP's string, gb_trees and gb_sets call), floor and ceil. */
function otpModuleCalls(): Tuple[] {
  const calls: Tuple[] = [];
  const U = (f: string, ...args: unknown[]): Tuple => C("unicode", f, ...args);
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
  const data: unknown[] = [
    [], S("héllo"), [0x1F600, 0x10FFFF, 0], utf8("héllo wörld ✓ 😀"), B(), [S("ab"), utf8("cé"), [[0x416], B()], 100],
    new ImproperList([97], utf8("é")), [[[[]]]], B(104, 233),
    // bad characters: {error, SoFar, Rest} shaped as BEAM shapes it
    [97, 0xD800, 98], [97, [utf8("xy"), 0xD800], 98], [97, B(120, 255, 122), 98], [[B(120, 255)], 98], [[[97, -5]], 98],
    [97, 0x110000], B(120, 255, 1), B(120, 195, 40), B(120, 237, 160, 128), B(120, 192, 128), B(120, 240, 159, 152, 97),
    new ImproperList([97], B(255)), [97, 256],
    // cut off at the end: {incomplete, SoFar, Rest}, or an error when characters follow
    B(120, 195), [97, B(120, 195)], [[B(120, 195)]], [B(120, 195), [], [[]]], B(120, 240, 159, 152), [97, B(120, 195), 98], [[B(120, 195)], 98],
    // not chardata: badarg, even after a bad character
    A("foo"), [A("a")], new ImproperList([97], 98), [0xD800, A("foo")], [B(255), A("foo")], [new Float(1)], [big], 1,
  ];
  for (const d of data) {
    calls.push(U("characters_to_list", d), U("characters_to_binary", d));
    for (const enc of [A("unicode"), A("utf8"), A("latin1")]) calls.push(U("characters_to_list", d, enc), U("characters_to_binary", d, enc));
  }
  // (characters_to_binary/3 is Erlang in unicode.beam: tests/erlang/otp_strings.erl)
  for (const enc of [A("utf16"), T(A("utf16"), A("little")), A("utf32"), T(A("utf32"), A("little")), T(A("utf16"), A("big")), A("foo"), T(A("utf8"), A("big")), T(A("utf16"), A("middle"))]) {
    for (const d of [B(0, 97, 216, 52, 221, 30), B(0, 97, 216, 52), B(0, 97, 220, 52), B(0, 97, 0), B(0, 97, 0, 0, 0), B(0, 0, 216, 0), B(0, 0, 0, 97, 0, 0, 0), B(0, 0, 0, 97, 0, 0), B(0, 0, 0, 97, 0, 17, 0), B(97, 0, 0, 0, 0, 0, 16), B(97, 0, 0, 0, 0, 0, 17), [97, 233, B(0, 98)]]) {
      calls.push(U("characters_to_list", d, enc), U("characters_to_binary", d, enc));
    }
  }
  for (const b of [B(), utf8("abc"), utf8("é"), B(127), B(128), A("foo"), S("abc")]) calls.push(U("bin_is_7bit", b));
  // math: inputs where musl's and glibc's functions are both correctly rounded
  for (const x of [0, 1, 2, 10, 100, 1024, 0.5, 2.5, -1, -2.5, new Float(0), big, A("a")]) {
    for (const f of ["sqrt", "exp", "log", "log2", "log10", "floor", "ceil"]) calls.push(C("math", f, x));
    calls.push(E("floor", x), E("ceil", x));
  }
  for (const [a, b] of [[2, 10], [2.5, 2], [-8, 3], [-8, 0.5], [0, -1], [10, 400], [4, 0.5], [A("a"), 1], [1, A("a")]]) calls.push(C("math", "pow", a, b));
  calls.push(C("math", "pi"), E("floor", new Float(1e300)), E("ceil", new Float(-1e300)), E("floor", -0.5), E("ceil", -0.5), E("floor", new Float(2 ** 60)), E("ceil", new Float(4503599627370497)));
  // binary:match/2 and compile_pattern/1's refusals (a compiled pattern itself is opaque: BEAM's holds a reference)
  const subject = utf8("the quick, brown fox; ok");
  for (const p of [utf8(","), utf8("o"), utf8("qu"), [utf8(","), utf8(";")], [utf8("b"), utf8("br"), utf8("brown")], utf8("zz"), utf8("ok"), utf8("ok!"),
    B(), [], [B()], A("a"), [utf8("a"), 1]]) calls.push(C("binary", "match", subject, p), C("binary", "match", B(), p));
  calls.push(C("binary", "match", A("a"), utf8("a")), C("binary", "compile_pattern", B()), C("binary", "compile_pattern", []), C("binary", "compile_pattern", A("a")),
    C("binary", "compile_pattern", [utf8("a"), B()]));
  // string:list_to_integer/1 and list_to_float/1 (what string:to_integer/1 and to_float/1 call)
  for (const l of [S("123abc"), S("-12"), S("+7x"), S("abc"), [], S("-"), S("+"), new ImproperList([49, 50], A("foo")), new ImproperList([49], 50),
    A("foo"), utf8("12"), S("0012"), S("99999999999999999999999z"), [49, 300], S("1.5"), S("1.5e3x"), S("-1.5E-2"), S("1"), S("1."), S(".5"),
    S("1.5e"), S("1.5ex"), S("1.5e+"), S("+2.0"), new ImproperList([49, 46, 50], A("bar")), S("1.0e400"), S("1,5"), S("12.5e-3z"), [49, 46, 53, 300]]) {
    calls.push(C("string", "list_to_integer", l), C("string", "list_to_float", l));
  }
  return calls;
}

function processCalls(): Tuple[] {
  // exceptions, the dictionary, names, timers, clocks' errors: the same on both (deterministic) sides
  const k = T(A("natives_test"), A("key"));
  return [
    E("throw", A("x")), E("error", A("r")), E("error", A("r"), [1]), E("exit", A("r")), E("exit", T(A("shutdown"), 1)),
    E("nif_error", A("undef")), E("nif_error", A("x"), []), E("raise", A("throw"), A("r"), []), E("raise", A("error"), A("r"), [T(A("m"), A("f"), 1, [])]),
    E("raise", A("exit"), A("r"), []), E("raise", A("foo"), A("r"), []), E("raise", A("error"), A("r"), A("bad")), E("raise", A("error"), A("r"), [A("x")]),
    E("put", k, 1), E("put", k, 2), E("get", k), E("erase", k), E("get", k), E("erase", k),
    E("apply", A("erlang"), A("+"), [1, 2]), E("apply", A("erlang"), A("element"), [1, T(A("a"))]), E("apply", A("erlang"), A("nope_natives"), []),
    E("apply", A("erlang"), A("apply"), [A("erlang"), A("-"), [5]]), E("apply", 1, A("a"), []), E("+", 1, 2), E("+", A("a"), 1), E("-", 5), E("+", 7), E("+", A("a")),
    E("*", big, big), E("div", 7, 2), E("rem", -7, 2), E("/", 1, 4), E("bsl", 1, 70), E("bnot", 5), E("integer_to_list", big), E("float_to_list", 2.5),
    E("whereis", A("no_such_name_natives")), E("whereis", 1), E("register", A("x"), 1), E("unregister", A("no_such_name_natives")),
    E("is_process_alive", A("a")), E("send", A("no_such_name_natives"), A("m")), E("!", A("no_such_name_natives"), A("m")), E("send", 1, A("m")), E("send", T(A("no_such_name_natives"), A("nonode@nohost")), A("m")), E("send", T(A("x"), A("other@host")), A("m")),
    E("send", T(1, A("nonode@nohost")), A("m")), E("monitor", A("process"), T(1, 2)),
    E("process_flag", A("foo"), A("true")), E("process_flag", A("trap_exit"), 1), E("demonitor", A("a")), E("demonitor", A("a"), []),
    E("cancel_timer", A("a")), E("send_after", -1, A("x"), A("m")), E("send_after", 10, 1, A("m")), E("monotonic_time", A("foo")),
    E("system_time", A("foo")), E("node"), E("link", A("a")), E("unlink", 1), E("monitor", A("process"), 1),
    E("spawn", A("a")), E("spawn", A("erlang"), A("display"), A("notalist")), E("exit", A("a"), A("r")),
    E("get_module_info", A("lists"), A("module")), E("get_module_info", 1, A("module")),
    E("display_string", A("a")), E("display_string", [-1]), E("display_string", new ImproperList([97], 98)), E("yield"),
    E("pid_to_list", A("a")), E("ref_to_list", A("a")), E("fun_to_list", A("a")),
  ];
}

/** Terms for display/1, byte for byte against erts: every kind, and the characters erts treats apart. */
function displayTerms(): unknown[] {
  const chars = Array.from({ length: 256 }, (_, c) => c);
  return [
    [new Float(1), 2.5, S("abc"), B(...S("abc")), B(1, 2), new Map([[A("a"), 1]]), T(A("EXIT"), A("x")), new ImproperList([A("a")], A("b")), big, -3,
      A("hello world"), [], S("a\nb")],
    ...chars.map((c) => [97, c]), ...chars.map((c) => B(97, c)),
    ...chars.filter((c) => c > 0).map((c) => Atom.of(String.fromCodePoint(97, c))), ...chars.filter((c) => c > 0).map((c) => Atom.of(String.fromCodePoint(c, 97))),
    A("if"), A("of"), A("end"), A("an@d"), A("A"), A("_a"), A("a.b"), A(""), A("aĬ"), A("Жx"), A("a'b"), A("a\\b"),
    0, -1, 2n ** 59n, -(2n ** 59n) - 1n, -big, new Float(0), new Float(-0), 0.1, -1.5e-300, new Float(1e300), new Float(123456789), 5e-324, new Float(1.7976931348623157e308), new Float(1e100), new Float(1e16), new Float(123456), 1234.5678,
    T(), new Map(), map1, [[]], [A("a"), ...S("bc")], new ImproperList([1, 2], 3), T([]), B(), Uint8Array.from({ length: 100 }, (_, i) => i),
    Uint8Array.from({ length: 100 }, () => 97), S("\\"), B(...S("\\")), B(34), [1046], [0], [128], [159], [160], [9], [11], S("a\tb\rc"),
    [T(A("a"), [B(1), new Map([[T(1), [new Float(2)]]])])],
    ...BITSTRINGS, [Bits(3, 32), B(97)],
  ];
}

// ── the tests ---------------------------------------------------------------------------------

describe("natives against BEAM", () => {
  const pure = [...termCalls(), ...listsMapsCalls(), ...bitstringCalls(), ...otpModuleCalls()];
  const calls = [...pure, ...processCalls()];
  let want: unknown[];
  let displayWant: string;
  const dterms = displayTerms();
  beforeAll(() => {
    want = beamResults(calls);
    displayWant = erl(dterms, "[erlang:display(T) || T <- In], ok")[1];
  }, 120_000);

  describe.each(BACKENDS)("on %s", (backend) => {
    test("every call's value or exception is BEAM's", async () => {
      const h = await start(backend, { poisonFromSpace: true });
      expectSame(calls, await shoalResults(h, calls), want);
    }, 60_000);

    test("the same with a major collection before each call (arguments and results moved)", async () => {
      const h = await start(backend, { poisonFromSpace: true, minHeapWords: 64 });
      // (the calls without state: a dictionary's answers depend on the calls before)
      const some = pure.filter((_, i) => i % 3 === 0);
      expectSame(some, await shoalResults(h, some, "gc"), want.slice(0, pure.length).filter((_, i) => i % 3 === 0));
    }, 60_000);

    test("the same with the young generation full before each call (the native's own allocation collects)", async () => {
      const h = await start(backend, { poisonFromSpace: true, minHeapWords: 64 });
      const some = pure.filter((_, i) => i % 2 === 1);
      expectSame(some, await shoalResults(h, some, "fill"), want.slice(0, pure.length).filter((_, i) => i % 2 === 1));
    }, 60_000);

    test("erlang:display/1 prints what erts prints, byte for byte (each line ending \\r\\n, as erts's)", async () => {
      let out = "";
      const h = await start(backend, { stdout: (t: string) => { out += t; } });
      const got = await shoalResults(h, dterms.map((t) => E("display", t)));
      expect(got.every((r) => r === true)).toBe(true);
      const a = out.split("\r\n"), b = displayWant.split("\r\n");
      const diffs = a.map((l, i) => (l === b[i] ? "" : `${i}: shoal ${JSON.stringify(l)} beam ${JSON.stringify(b[i])}`)).filter((d) => d);
      expect(diffs).toEqual([]);
      expect(out).toBe(displayWant);
    }, 60_000);
  });
});

describe.each(BACKENDS)("natives on %s", (backend) => {
  test("display_string/1 writes a binary's bytes raw and a list's characters as UTF-8", async () => {
    let out = "";
    const h = await start(backend, { stdout: (t: string) => { out += t; } });
    const got = await shoalResults(h, [E("display_string", B(...S("bin\n"))), E("display_string", S("héllo Ж\n")), E("display_string", B()),
      E("display_string", []), E("display_string", Uint8Array.from(Buffer.from("ünï\n")))]);
    expect(got).toEqual([true, true, true, true, true]);
    expect(out).toBe("bin\nhéllo Ж\nünï\n");
  });

  test("a native is an entry the host spawns by name: erlang:display/1 as a process", async () => {
    let out = "";
    const h = await start(backend, { stdout: (t: string) => { out += t; } });
    const pid = h.rt.spawn("erlang:display", T(A("hello"), [1, 2], 2.5));
    await h.rt.run();
    expect(h.exitOf(pid)).toBe("normal");
    expect(out).toBe("{hello,[1,2],2.500000e+00}\r\n");
    expect(() => h.rt.spawn("erlang:no_such_native")).toThrow(/no entry erlang:no_such_native\/0/);
  });

  test("process natives: self, make_ref, spawn/3, spawn_monitor/3, spawn_link/3, pid_to_list, ref_to_list, get/0, node, clocks, module_info", async () => {
    let out = "";
    const h = await start(backend, { stdout: (t: string) => { out += t; } });
    const caller = h.rt.spawn("native_caller");
    const k = T(A("natives_test"), A("k"));
    h.rt.send(caller, [E("self"), E("make_ref"), E("spawn", A("erlang"), A("display"), [A("child")]), E("spawn_monitor", A("erlang"), A("display"), [A("watched")]),
      E("spawn_link", A("erlang"), A("display"), [A("linked")]), E("put", k, 1), E("get"), E("erase"), E("get"), E("node"),
      E("monotonic_time"), E("monotonic_time", A("millisecond")), E("system_time", A("second")), E("system_time", A("native")),
      E("get_module_info", A("erlang"), A("exports")), E("get_module_info", A("maps")), E("is_process_alive", caller), E("monitor", A("process"), A("nobody_natives")),
      E("send_after", 100000, A("nobody_natives"), A("m")), E("process_flag", A("trap_exit"), A("true")), E("process_flag", A("trap_exit"), A("false"))]);
    const r = (await h.rt.receive({ timeoutMs: 10_000 }).catch((e) => { throw new Error(`${e}: ${h.exitOf(caller)}`); })) as unknown[];
    expect(r[0]).toEqual(caller);
    expect(r[1]).toBeInstanceOf(Ref);
    expect(r[2]).toBeInstanceOf(Pid);
    const [child, ref] = (r[3] as Tuple).elements;
    expect(child).toBeInstanceOf(Pid);
    expect(ref).toBeInstanceOf(Ref);
    expect(r[4]).toBeInstanceOf(Pid);
    expect(r[5]).toBe(A("undefined"));
    expect(r[6]).toEqual([T(k, 1)]);
    expect(r[7]).toEqual([T(k, 1)]);
    expect(r[8]).toEqual([]);
    expect(r[9]).toBe(A("nonode@nohost"));
    const now = performance.now();
    expect(Number(r[10]) / 1e6).toBeGreaterThan(now - 60_000);
    expect(Math.abs(Number(r[11]) - Number(r[10]) / 1e6)).toBeLessThan(1000);
    expect(Math.abs(Number(r[12]) - Date.now() / 1000)).toBeLessThan(5);
    expect(Math.abs(Number(r[13]) / 1e6 - Date.now())).toBeLessThan(5000);
    const exports = (r[14] as Tuple[]).map((t) => `${(t.elements[0] as Atom).name}/${t.elements[1]}`);
    expect(exports).toEqual(expect.arrayContaining(["display/1", "element/2", "+/2", "spawn_monitor/3", "apply/3"]));
    expect((r[15] as Tuple[]).map((t) => (t.elements[0] as Atom).name)).toEqual(["module", "exports", "attributes", "compile"]);
    expect(r[16]).toBe(true);
    expect(r[17]).toBeInstanceOf(Ref);   // and its 'DOWN' at once: checked below
    expect(r[18]).toBeInstanceOf(Ref);
    expect(r.slice(19)).toEqual([false, true]);
    // the text of a pid and a reference, as display prints them; the timer cancelled
    h.rt.send(caller, [E("pid_to_list", caller), E("ref_to_list", r[1]), E("cancel_timer", r[18]), E("cancel_timer", r[18]),
      E("demonitor", r[17], [A("flush"), A("info")]), E("get_module_info", A("testing"), A("exports"))]);
    const [pl, rl, left, again, info, testing] = (await h.rt.receive({ timeoutMs: 10_000 })) as number[][];
    expect(info).toBe(false);
    // a linked program's module: its entries, as the export table knows them
    const entries = (testing as unknown as Tuple[]).map((t) => `testing:${(t.elements[0] as Atom).name}/${t.elements[1]}`).sort();
    expect(entries).toEqual(h.rt.entries().filter((e) => e.startsWith("testing:")).sort());
    expect(left).toBeGreaterThan(90_000);
    expect(again).toBe(false);
    expect(String.fromCharCode(...pl)).toBe(`<0.${caller.slot}.${caller.serial}>`);
    const ids = (r[1] as Ref).ids;
    expect(String.fromCharCode(...rl)).toBe(`#Ref<0.${ids[2]}.${ids[1]}.${ids[0]}>`);
    h.rt.send(caller, A("stop"));
    await h.rt.run();
    expect(out.split("\r\n").sort()).toEqual(["", "child", "linked", "watched"]);
  });

  test("exceptions raised by natives end a process with no handler as on BEAM", async () => {
    const h = await start(backend);
    const a = h.rt.spawn("erlang:throw", A("ball"));
    const b = h.rt.spawn("erlang:exit", A("bye"));
    const c = h.rt.spawn("erlang:error", A("oops"));
    const d = h.rt.spawn("erlang:hd", []);
    await h.rt.run();
    // (erl: spawn_link(erlang, hd, [[]]) ends {badarg,[{erlang,hd,[[]],[{error_info,...}]}]}: the BIF's frame)
    expect([h.exitOf(a), h.exitOf(b), h.exitOf(c), h.exitOf(d)]).toEqual(["{{nocatch,ball},[]}", "bye", "{oops,[]}",
      "{badarg,[{erlang,hd,[[]],[{error_info,#{module => erl_erts_errors}}]}]}"]);
  });

  test("a native's error that its caller, with no handler, does not complete ends the process when the caller returns", async () => {
    const h = await start(backend);
    // (the caller calls erlang:hd/1 by its table index and returns what it got: no bif_trace, no CP words)
    const p = h.rt.spawn("testing:native_no_handler", new Tuple([A("erlang"), A("hd"), []]));
    const q = h.rt.spawn("testing:native_no_handler", new Tuple([A("erlang"), A("hd"), [7]]));
    await h.rt.run();
    expect([h.exitOf(p), h.exitOf(q)]).toEqual(["{badarg,[]}", "normal"]);
  });
});

// ── a native replaces a linked program's entry of the same name ---------------------------------

describe("a native replaces a program's entry of the same name", () => {
  const ROOT = path.join(__dirname, "..");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-natives-link-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let program: string;
  beforeAll(() => {
    const wasm = (name: string) => {
      const out = path.join(tmp, `${name}.wasm`);
      execFileSync(process.execPath, [path.join(ROOT, "node_modules", "binaryen", "bin", "wasm-as"), "--enable-bulk-memory",
        path.join(ROOT, "tests", "fixtures", "link", `${name}.wat`), "-o", out]);
      return out;
    };
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "shoal.mjs"), "link", wasm("calls"), wasm("stub_lists"), "-o", path.join(tmp, "out"), "--debug"],
      { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    program = path.join(tmp, "out", "calls");
  }, 120_000);

  test.each(BACKENDS)("on %s: lists:reverse/2 is the native, lists:stub_seq/1 the program's", async (backend) => {
    const rt = await Runtime.start({ backend, program });
    try {
      rt.spawn("calls:apply", A("lists"), A("reverse"), [[1, 2, 3], [4]]);
      expect(await rt.receive({ timeoutMs: 10_000 })).toEqual([3, 2, 1, 4]);
      rt.spawn("calls:apply", A("lists"), A("stub_seq"), [5]);
      expect(await rt.receive({ timeoutMs: 10_000 })).toBe(777);
      rt.spawn("calls:apply", A("maps"), A("get"), [A("a"), new Map([[A("a"), 1]])]);
      expect(await rt.receive({ timeoutMs: 10_000 })).toBe(1);
    } finally {
      rt.stop();
    }
  });
});
