// link: what the link step (compiler/link.ts) costs, in seconds, per backend:
// the core alone (what `shoal link` does with no program: build/shoal.*.wasm)
// and the core with a ~1 MB program module.
//
// The program module is generated here as a compiler would write it
// (bigProgram): a few thousand functions of (i64) -> (i64) that call the ABI
// (reduce, frame_enter/slot_set/slot_get, gc_reserve, make_cons, make_tuple,
// make_binary, make_fun, send, self) and one another in chains of 16, every
// chain's head exported as an entry `big:f<i>/1`, funs in a table segment, and
// a 100 KB data segment of literals the code copies into binaries. It is
// relocatable (imports __memory_base and __table_base), so the link step places
// it and rewrites every base. The WAT text is assembled with Binaryen's JS API
// (ESM: imported dynamically, as this file is CommonJS). Each linked module is
// checked: started on its backend, an entry run to its end, exiting normally.
//
// Timed: linkProgram({ modules, backends: [backend] }) (reading the shipped
// core and fiber module, then wasm-merge and wasm-opt as child processes), the
// median of 3 runs; --smoke links a small module once, on the default backend
// only (a link is several seconds however small the program: the core is
// optimised again each time).

import * as path from "node:path";
import { syncBuiltinESMExports } from "node:module";
import childProcess = require("node:child_process");
import type { Backend } from "../host/backend";
import { Runtime } from "../host/runtime";
import { Atom } from "../host/terms";
import {
  Options, SuiteResult, check, DEFAULT_BACKEND, backends, median, min, max, num, stopwatch, table, writeResult, int,
} from "./lib/common";

type LinkModule = typeof import("../compiler/link.js");
type Binaryen = typeof import("binaryen").default;

/** The link step and Binaryen, loaded once (both ESM). */
async function loadEsm(): Promise<{ linker: LinkModule; binaryen: Binaryen }> {
  const linker = await import("../compiler/link.js") as LinkModule;
  const binaryen = (await import("binaryen")).default;
  return { linker, binaryen };
}

/** Deterministic printable bytes (a literal pool), as a WAT string's escapes. */
function literalPool(bytes: number): string {
  let s = "";
  let x = 0x2545f491;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += `\\${(0x20 + ((x >>> 16) % 95)).toString(16).padStart(2, "0")}`;
  }
  return s;
}

/** Functions per call chain: f<i> calls f<i-1> unless i is a multiple of CHAIN; the head (i % CHAIN == CHAIN-1) is an entry. */
const CHAIN = 16;
/** Funs in the table segment (type (i64, i64 fun) -> i64). */
const FUNS = 64;
/** Bytes of each literal a function copies into a binary (on the process heap: at most 64). */
const LITERAL = 48;

/**
 * A program module of `functions` functions and a `dataBytes` data segment, as WAT: what a
 * compiler of Erlang would emit for small functions that build lists, tuples and binaries,
 * branch on a term's tag, make funs, send a message and call one another.
 */
export function bigProgram(functions: number, dataBytes: number): { wat: string; entries: string[] } {
  const out: string[] = [];
  const entries: string[] = [];
  out.push(`(module
  (import "shoal" "memory" (memory 1))
  (import "shoal" "table" (table 0 funcref))
  (import "shoal" "__memory_base" (global $mb i32))
  (import "shoal" "__table_base" (global $tb i32))
  (import "shoal" "reduce" (func $reduce (param i32)))
  (import "shoal" "self" (func $self (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "slot_get" (func $slot_get (param i32) (result i64)))
  (import "shoal" "slot_set" (func $slot_set (param i32 i64)))
  (import "shoal" "gc_reserve" (func $gc_reserve (param i32)))
  (import "shoal" "make_tuple" (func $make_tuple (param i32) (result i64)))
  (import "shoal" "make_cons" (func $make_cons (param i64 i64) (result i64)))
  (import "shoal" "make_binary" (func $make_binary (param i32) (result i64)))
  (import "shoal" "binary_words" (func $binary_words (param i32) (result i32)))
  (import "shoal" "binary_data" (func $binary_data (param i64) (result i32)))
  (import "shoal" "make_fun" (func $make_fun (param i32 i32 i32) (result i64)))
  (data (global.get $mb) "${literalPool(dataBytes)}")
  (elem (global.get $tb) func ${Array.from({ length: FUNS }, (_, k) => `$g${k}`).join(" ")})`);
  // the funs' code: the argument plus the fun's one free variable (both small integers)
  for (let k = 0; k < FUNS; k++) {
    // (the free variable read before reduce, which may collect and move the fun)
    out.push(`  (func $g${k} (param $x i64) (param $fun i64) (result i64)
    (local $r i64)
    (local.set $r (i64.or (i64.add (i64.and (local.get $x) (i64.const -16))
      (i64.and (i64.load offset=16 (i32.sub (i32.wrap_i64 (local.get $fun)) (i32.const 2))) (i64.const -16))) (i64.const 0xF)))
    (call $reduce (i32.const 1))
    (local.get $r))`);
  }
  const slots = dataBytes - LITERAL;
  for (let i = 0; i < functions; i++) {
    const k = 2 + (i % 5);                           // list length
    const c = 1 + (i % 97), d = (i * 7919) % 1000;   // constants of the arithmetic
    const lit = (i * 1237) % slots;                  // where its literal lies in the pool
    const calls = i % CHAIN !== 0;
    const sends = i % 4 === 0;
    const fun = i % 8 === 0;
    out.push(`  (func $f${i} (param $x i64) (result i64)
    (local $acc i64) (local $n i32) (local $r i64) (local $t i64) (local $b i64) (local $p i32)
    (call $reduce (i32.const 1))
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (local.get $x))
    ;; one reservation for the list, the binary and the tuple: no collection until they are built
    (call $gc_reserve (i32.add (i32.const ${2 * k + 4}) (call $binary_words (i32.const ${LITERAL}))))
    (local.set $acc (i64.const 0x3B))
    (local.set $n (i32.const ${k}))
    (loop $build
      (local.set $acc (call $make_cons
        (i64.or (i64.shl (i64.extend_i32_u (i32.mul (local.get $n) (i32.const ${c}))) (i64.const 4)) (i64.const 0xF))
        (local.get $acc)))
      (br_if $build (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ;; case X of Small -> X * C + D; atom or [] -> D; _ -> 0
    (local.set $r
      (block $out (result i64)
        (block $other
          (block $atomic
            (block $small
              (br_table $other $other $other $other $other $other $other $other $other $other $other $atomic
                        $other $other $other $small
                (i32.wrap_i64 (i64.and (local.get $x) (i64.const 0xF)))))
            (br $out (i64.add (i64.mul (i64.and (local.get $x) (i64.const 0xFFFFFFF0)) (i64.const ${c}))
                              (i64.const ${(d << 4) | 0xf}))))
          (br $out (i64.const ${(d << 4) | 0xf})))
        (i64.const 0xF)))
    (local.set $b (call $make_binary (i32.const ${LITERAL})))
    (memory.copy (call $binary_data (local.get $b)) (i32.add (global.get $mb) (i32.const ${lit})) (i32.const ${LITERAL}))
    (local.set $t (call $make_tuple (i32.const 3)))
    (local.set $p (i32.sub (i32.wrap_i64 (local.get $t)) (i32.const 2)))
    (i64.store offset=8 (local.get $p) (local.get $r))
    (i64.store offset=16 (local.get $p) (local.get $acc))
    (i64.store offset=24 (local.get $p) (local.get $b))
    (call $slot_set (i32.const 1) (local.get $t))${sends ? `
    (call $send (call $self) (local.get $t))` : ""}${calls ? `
    ;; the next function of the chain (it may collect: reload from the slots after)
    (local.set $r (i64.add (local.get $r)
      (i64.and (call $f${i - 1} (i64.or (i64.and (local.get $r) (i64.const 0xFFFF0)) (i64.const 0xF))) (i64.const 0xFFFF0))))
    (local.set $t (call $slot_get (i32.const 1)))` : ""}${fun ? `
    ;; a fun with one free variable, applied directly
    (call $gc_reserve (i32.const 3))
    (local.set $b (call $make_fun (i32.add (global.get $tb) (i32.const ${i % FUNS})) (i32.const 1) (i32.const 1)))
    (i64.store offset=16 (i32.sub (i32.wrap_i64 (local.get $b)) (i32.const 2)) (i64.const ${(i << 4) | 0xf}))
    (local.set $r (i64.and (call $g${i % FUNS} (local.get $r) (local.get $b)) (i64.const 0xFFFFFFF)))` : ""}
    (call $frame_leave (i32.const 2))
    (i64.or (i64.and (local.get $r) (i64.const 0xFFFFFFF0)) (i64.const 0xF)))`);
    if (i % CHAIN === CHAIN - 1) {
      out.push(`  (export "big:f${i}/1" (func $f${i}))`);
      entries.push(`big:f${i}`);
    }
  }
  out.push(")");
  return { wat: out.join("\n") + "\n", entries };
}

/** The module's binary, validated. */
function assemble(binaryen: Binaryen, wat: string): Uint8Array {
  const m = binaryen.parseText(wat);
  try {
    m.setFeatures(binaryen.Features.All);
    check(!!m.validate(), "the generated program module does not validate");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** Run `entry` of a linked module on its backend to its end; checks it exits normally. */
async function checkLinked(backend: Backend, bytes: Uint8Array, entry: string): Promise<void> {
  const rt = await Runtime.start({ backend, modules: { [backend]: bytes } });
  try {
    const reasons: unknown[] = [];
    const off = rt.onExit((e) => { reasons.push(e.reason); });
    rt.spawn(entry, 3);
    const outcome = await rt.run();
    off();
    check(outcome === "idle", `${backend}: ${entry} ended '${outcome}', expected 'idle'`);
    check(reasons.length === 1 && reasons[0] instanceof Atom && reasons[0].name === "normal",
      `${backend}: ${entry} exited ${String(reasons[0])}, expected normal`);
  } finally {
    rt.stop();
  }
}

/** One run of a Binaryen tool the link step started: which, and its seconds. */
interface ToolRun { tool: string; seconds: number }

/**
 * `f()`, with the seconds of every Binaryen tool the link step runs as a child process (wasm-merge,
 * wasm-opt): execFileSync is wrapped for the call, and the link step's ESM import of it follows
 * (syncBuiltinESMExports). What is left of the total ran in this process (reading and placing the
 * modules, their round trips through the text format, the entry directory).
 */
function withToolTimes<T>(f: () => T): { result: T; tools: ToolRun[] } {
  const tools: ToolRun[] = [];
  const original = childProcess.execFileSync;
  const timed = function (this: unknown, file: string, args?: readonly string[], options?: unknown) {
    const elapsed = stopwatch();
    try {
      return (original as (...a: unknown[]) => unknown).call(this, file, args, options);
    } finally {
      tools.push({ tool: path.basename(String(args?.[0] ?? file)), seconds: elapsed() / 1e9 });
    }
  };
  (childProcess as { execFileSync: unknown }).execFileSync = timed;
  syncBuiltinESMExports();
  try {
    return { result: f(), tools };
  } finally {
    (childProcess as { execFileSync: unknown }).execFileSync = original;
    syncBuiltinESMExports();
  }
}

/**
 * What the link step's tool runs do, in order (compiler/link.ts): with program modules all four, the
 * core alone only the last two.
 */
const TOOL_STEPS = [
  ["wasm-merge", "merge programs"], ["wasm-opt", "optimise programs + core"],
  ["wasm-merge", "merge backend"], ["wasm-opt", "optimise with backend"],
] as const;

/** The phases of one link: in-process work, then each tool run, named for its step. */
function phases(total: number, tools: ToolRun[]): Record<string, number> {
  const out: Record<string, number> = { "in process": total - tools.reduce((n, t) => n + t.seconds, 0) };
  const steps = TOOL_STEPS.slice(-tools.length);
  tools.forEach((t, i) => {
    const known = tools.length <= TOOL_STEPS.length && steps[i][0] === t.tool;
    out[known ? steps[i][1] : `${t.tool} (run ${i + 1})`] = t.seconds;
  });
  return out;
}

interface LinkTimes { seconds: number[]; phases: Record<string, number>[]; bytes: number; entries: number }

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke
    ? { functions: 16, dataBytes: 1_000, reps: 1, core: false, backends: [DEFAULT_BACKEND] as Backend[] }
    : { functions: 3600, dataBytes: 100_000, reps: 3, core: true, backends: backends() };
  const { linker, binaryen } = await loadEsm();
  const made = stopwatch();
  const { wat, entries } = bigProgram(cfg.functions, cfg.dataBytes);
  const program = assemble(binaryen, wat);
  const makeSeconds = made() / 1e9;
  console.log(`link: the core alone${cfg.core ? "" : " (skipped: --smoke)"}, and the core with a program module of ` +
    `${int(program.length)} bytes (${int(cfg.functions)} functions, ${int(entries.length)} entries, ${int(cfg.dataBytes)} bytes of data; ` +
    `generated and assembled in ${num(makeSeconds)} s); ${cfg.backends.join(", ")}; ${cfg.reps} run${cfg.reps > 1 ? "s" : ""} each`);

  const timeLink = (backend: Backend, modules: Uint8Array[]): { seconds: number; phases: Record<string, number>; bytes: Uint8Array } => {
    const elapsed = stopwatch();
    const { result, tools } = withToolTimes(() =>
      linker.linkProgram({ modules: modules.map((bytes) => ({ name: "big", bytes })), backends: [backend] })[backend]!);
    const seconds = elapsed() / 1e9;
    return { seconds, phases: phases(seconds, tools), bytes: result.bytes };
  };

  const core: Partial<Record<Backend, LinkTimes>> = {};
  const big: Partial<Record<Backend, LinkTimes>> = {};
  for (const backend of cfg.backends) {
    // alternate core and program runs, so drift on a shared machine touches both alike
    const c: LinkTimes = { seconds: [], phases: [], bytes: 0, entries: 0 };
    const b: LinkTimes = { seconds: [], phases: [], bytes: 0, entries: 0 };
    let linked: Uint8Array | undefined;
    for (let rep = 0; rep < cfg.reps; rep++) {
      if (cfg.core) {
        const r = timeLink(backend, []);
        c.seconds.push(r.seconds);
        c.phases.push(r.phases);
        c.bytes = r.bytes.length;
      }
      const r = timeLink(backend, [program]);
      b.seconds.push(r.seconds);
      b.phases.push(r.phases);
      b.bytes = r.bytes.length;
      b.entries = entries.length;
      linked = r.bytes;
    }
    await checkLinked(backend, linked!, entries[entries.length - 1]);
    if (cfg.core) core[backend] = c;
    big[backend] = b;
    console.log(`  ${backend}: core ${cfg.core ? `${num(median(c.seconds))} s` : "n/a"}, core + program ${num(median(b.seconds))} s`);
  }

  table(`link: seconds per link (linkProgram, one backend), median of ${cfg.reps}`,
    ["backend", "core alone", "min..max", "bytes out", "core + program", "min..max", "bytes out", "program's share"],
    cfg.backends.map((b) => {
      const c = core[b], p = big[b]!;
      return [b, c ? num(median(c.seconds)) : "n/a", c ? `${num(min(c.seconds))}..${num(max(c.seconds))}` : "", c ? int(c.bytes) : "",
        num(median(p.seconds)), `${num(min(p.seconds))}..${num(max(p.seconds))}`, int(p.bytes),
        c ? num(median(p.seconds) - median(c.seconds)) : "n/a"];
    }));

  // where a link's seconds go (medians over the runs, phase by phase)
  const phaseRows: string[][] = [];
  for (const b of cfg.backends) {
    for (const [what, t] of [["core", core[b]], ["core + program", big[b]]] as const) {
      if (!t) continue;
      const keys = Object.keys(t.phases[0]);
      phaseRows.push([`${b}, ${what}`, keys.map((k) => `${k} ${num(median(t.phases.map((p) => p[k])))}`).join(", ")]);
    }
  }
  table("link: seconds per phase (medians): in this process (reading, placing, text round trips), then each Binaryen tool " +
    "(wasm-merge, wasm-opt; on asyncify the last one runs Asyncify too)", ["link", "phases"], phaseRows);

  const file = writeResult(o, "link", {
    config: { ...cfg, programBytes: program.length, entries: entries.length, chain: CHAIN, funs: FUNS, literalBytes: LITERAL,
      generatedSeconds: makeSeconds, timed: "linkProgram({ modules: [program], backends: [backend] }): reads build/shoal.core.wasm and build/fiber.<backend>.wasm, merges, optimises" },
    core, program: big,
    medians: Object.fromEntries(cfg.backends.map((b) => [b, {
      coreSeconds: core[b] ? median(core[b]!.seconds) : null, programSeconds: median(big[b]!.seconds),
    }])),
    targets: [],
  });
  return { name: "link", targets: [], file };
}
