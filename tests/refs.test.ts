// References (erlang:make_ref/0, docs/abi.md): made in a process by the
// timer_agent program (assembly/testing/programs/timers.ts), on both backends,
// on the debug build with from-space poisoned:
//  - unique, each of this runtime's creation and node, newer ones sorting after older ones;
//  - across host <-> process and through the runtime's External Term Format, byte for byte what
//    BEAM (OTP 25, run here) writes for the same reference, and printed as BEAM prints it;
//  - equal to themselves after collections moved them, never to another runtime's reference;
//  - in Erlang's term order among every other kind of term, as BEAM sorts the same list.
import { spawnSync } from "node:child_process";
import { Atom, Ref, Tuple, formatTerm, NONODE } from "../host/terms";
import { encode, decode } from "../host/etf";
import { BadargError } from "../host/errors";
import { BACKENDS, start, timerAgent } from "./helpers";

const A = (name: string): Atom => Atom.of(name);
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/**
 * Run BEAM on `args` (after -extra): "refs" Hex...: for each term, term_to_binary of
 * binary_to_term of it (OTP 26's atom encoding) and its ~w text, a line each; "sort" Hex: the
 * list sorted by lists:sort, each '$fun' in it standing for a fun (written back as '$fun').
 */
function erl(args: string[]): string[] {
  const program = `
    [Mode | Args] = init:get_plain_arguments(),
    Dec = fun(H) -> binary_to_term(binary:decode_hex(list_to_binary(H))) end,
    Enc = fun(T) -> string:lowercase(binary:encode_hex(term_to_binary(T, [{minor_version, 2}]))) end,
    Out = case Mode of
      "refs" -> [[Enc(T), " ", io_lib:format("~w", [T]), "\\n"] || H <- Args, T <- [Dec(H)]];
      "sort" ->
        [H] = Args, F = fun() -> ok end,
        Sorted = lists:sort([case X of '$fun' -> F; _ -> X end || X <- Dec(H)]),
        [Enc([case is_function(X) of true -> '$fun'; false -> X end || X <- Sorted]), "\\n"]
    end,
    io:put_chars(Out), halt().`;
  const r = spawnSync("erl", ["-noshell", "-eval", program, "-extra", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`erl failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout.split("\n").filter((l) => l);
}

describe.each(BACKENDS)("references on %s", (backend) => {
  test("make_ref: unique, of this runtime's node and creation, newer after older; equal to themselves after collections", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const { pid, ask } = timerAgent(h.rt);
    const [refs] = ask("refs", "make_refs", 2000) as [Ref[]];
    expect(refs.length).toBe(2000);
    expect(new Set(refs.map(String)).size).toBe(2000);
    for (const r of refs) {
      expect(r).toBeInstanceOf(Ref);
      expect(r.node).toBe(NONODE);
      expect(r.creation).toBe(h.rt.creation);
      expect(r.ids.length).toBe(3);
      expect(String(r)).toMatch(/^#Ref<0\.\d+\.\d+\.\d+>$/);
    }
    expect(refs[1].equals(refs[1])).toBe(true);
    expect(refs[1].equals(refs[2])).toBe(false);
    expect(new Ref([...refs[1].ids], refs[1].creation).equals(refs[1])).toBe(true);
    // the process compares them: each before the next, equal to itself only
    for (const [a, b] of [[refs[0], refs[1]], [refs[5], refs[1999]]]) {
      expect(ask("compare", "compare", a, b)).toEqual([-1, false]);
      expect(ask("compare", "compare", b, a)).toEqual([1, false]);
      expect(ask("compare", "compare", a, a)).toEqual([0, true]);
    }
    // the kept list (in its dictionary) moved by collections, equal to what came back through the host
    for (let i = 0; i < 3; i++) expect(h.rt.garbageCollect(pid, i === 2)).toBe(true);
    expect(ask("kept_equal", "kept_equal", refs)).toEqual([true, 0]);
    // another runtime's reference with the same ids is not ours: never equal, and sorted by creation
    const other = new Ref([...refs[7].ids], h.rt.creation - 1);
    expect(other.equals(refs[7])).toBe(false);
    expect(ask("compare", "compare", other, refs[7])).toEqual([-1, false]);
    const mine = refs.slice();
    mine[7] = other;
    expect(ask("kept_equal", "kept_equal", mine)).toEqual([false, -1]);
    // a second runtime makes its own, of its own creation: none equal to the first's
    const h2 = await start(backend);
    const [refs2] = timerAgent(h2.rt).ask("refs", "make_refs", 3) as [Ref[]];
    expect(h2.rt.creation).not.toBe(h.rt.creation);
    for (const r of refs2) expect(refs.some((x) => x.equals(r))).toBe(false);
  });

  test("through the External Term Format: the runtime's bytes are BEAM's, both ways, and print as BEAM prints them", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const { ask } = timerAgent(h.rt);
    const [refs] = ask("refs", "make_refs", 3) as [Ref[]];
    const foreign = [new Ref([1, 2, 3], 7), new Ref([0xffffffff, 0xffffffff, 0xffffffff], 0xffffffff), new Ref([7], h.rt.creation)];
    const terms: unknown[] = [...refs.map((r) => r), ...foreign, new Tuple([refs[0], [refs[1], foreign[0]]])];
    // the runtime encodes each (etf_encode in the process), after the host encoded it in
    const bytes = terms.map((t) => {
      const [b] = ask("etf", "encode", t) as [Uint8Array];
      return b;
    });
    const beam = erl(["refs", ...bytes.map(hex)]);
    for (let i = 0; i < terms.length; i++) {
      const [beamHex, beamText] = beam[i].split(" ");
      expect(hex(bytes[i])).toBe(beamHex);                    // BEAM writes back exactly the runtime's bytes
      expect(formatTerm(decode(bytes[i]))).toBe(beamText);    // #Ref<0.c.b.a>, as ~w
    }
    // the host writes the same bytes; the runtime's decode to the same references (a one-id one: three, as BEAM)
    for (let i = 0; i < terms.length; i++) if (i !== 5) expect(hex(encode(terms[i]))).toBe(hex(bytes[i]));
    expect((decode(bytes[5]) as Ref).equals(new Ref([7, 0, 0], h.rt.creation))).toBe(true);
    for (let i = 0; i < 3; i++) expect((decode(bytes[i]) as Ref).equals(refs[i])).toBe(true);
    // BEAM's own references: 3 ids, creation 0 (a node without a name)
    const [own] = erl(["refs", hex(Buffer.from("835a0003770d6e6f6e6f6465406e6f686f737400000000000000010000000200000003", "hex"))]);
    expect(own.split(" ")[1]).toBe(String(new Ref([1, 2, 3])));
    // what no process holds: another node's reference, one of four ids (the host's codec has them)
    const { pid } = timerAgent(h.rt);
    for (const r of [new Ref([1, 2, 3], 1, A("a@b")), new Ref([1, 2, 3, 4], h.rt.creation)]) {
      expect(decode(encode(r))).toEqual(r);
      expect(() => h.rt.send(pid, r)).toThrow(BadargError);
    }
  });

  test("term order: references after numbers and atoms, before funs, pids and the rest, as BEAM sorts them", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const { pid, ask } = timerAgent(h.rt);
    const [refs] = ask("refs", "make_refs", 3) as [Ref[]];
    const c = h.rt.creation;
    const other = h.rt.spawn("park");
    const list: unknown[] = [
      refs[2], A("zz"), new Tuple([1]), pid, "abc", new Ref([5, 6, 7], c === 0xffffffff ? 1 : c + 1), 2.5, [],
      A("$fun"), refs[0], new Map([[A("a"), 1]]), new Ref([0x40000, 0, 0], c), -3, new Ref([9, 9, 9], 0), [1, A("a")],
      other, new Uint8Array([1, 2]), new Map(), new Tuple([]), 1n << 62n, refs[1], A("a"), new Ref([0, 0, 1], c),
      new Ref([0, 1, 0], c), new Ref([0x3ffff, 0, 0], c), new Tuple([A("a"), refs[0]]), new Tuple([A("a"), refs[1]]),
    ];
    const [sorted] = ask("sorted", "sort", list);
    const [beam] = erl(["sort", hex(encode(list))]);
    expect(hex(encode(sorted))).toBe(beam);
    // and where the references went: after the atoms, before the fun
    const kinds = (sorted as unknown[]).map((x) => (x instanceof Ref ? "ref" : x === A("$fun") ? "fun" : x instanceof Atom ? "atom" : "other"));
    expect(kinds.join(",")).toMatch(/atom,atom,ref,ref,ref,ref,ref,ref,ref,ref,ref,fun,/);
  });
});
