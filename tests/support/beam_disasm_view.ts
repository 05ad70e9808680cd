// A function disassembled by compiler/beam written as beam_disasm:file/1
// writes it (OTP 25's beam_disasm.erl: decode_arg/4, the disasm_* special
// cases and resolve_inst/4), as the JS values host/etf.ts's decode() gives
// for that term, and canon() to write such values in the canonical text form
// tests/fixtures/beam_disasm.escript writes Erlang terms in, so that
// tests/beam.test.ts can compare the two instruction by instruction. This is
// the test's port of beam_disasm's output shapes, not the reader: the
// reader's own form is compiler/beam/disasm.ts's.
//
// What beam_disasm adds to the raw operands, and this repeats:
//  - operands in instruction-specific shapes: {test, Op, Fail, Args} for
//    tests, {bif, Name, Fail, Args, Dst}, {gc_bif, ...}, {arithfbif, ...};
//  - "resolved" operands (resolve_arg/1) in some places: u values as plain
//    integers, i values as {integer, N}; elsewhere the raw {u, N} stays;
//  - local call targets as {M, F, A} (from the labels after each
//    func_info), external ones as {extfunc, M, F, A} (ImpT), BIFs by name;
//  - a z4 literal that is a float as {float, F}, any other as {literal, T};
//  - an allocation list as {u, {alloc, [{words, N}, ...]}};
//  - bs_match_string's bytes taken from StrT; make_fun3's target from FunT;
//  - a typed register as #tr{r = Reg, t = Type} (the oracle escript turns
//    Type back into its Type-chunk index; here the index is made the first
//    entry with the same bytes).

import type { BeamFile } from "../../compiler/beam/beam_file";
import type { BeamFunction, Instruction } from "../../compiler/beam/disasm";
import type { Operand } from "../../compiler/beam/operands";
import { Atom, Tuple, Float, BitString, ImproperList, ExportFun } from "../../host/terms";

/** An atom as decode() gives it: true and false are booleans. */
export const atom = (name: string): unknown => (name === "true" ? true : name === "false" ? false : Atom.of(name));
const T = (...els: unknown[]): Tuple => new Tuple(els);
const A = (name: string) => atom(name);
/** A float as decode() gives it: an integral one as a Float. */
const float = (v: number): unknown => (Number.isInteger(v) ? new Float(v) : v);
/** Whether a decoded literal is a float. */
const isFloat = (v: unknown): boolean => v instanceof Float || (typeof v === "number" && !Number.isInteger(v));

export class DisasmView {
  /** Entry labels (and the labels right after them) to the function they start, as {M, F, A}. */
  private readonly localLabels = new Map<number, Tuple>();
  /** Type index to the first index with the same bytes. */
  private readonly typeIndex: number[] = [];

  constructor(private readonly beam: BeamFile, functions: readonly BeamFunction[]) {
    // beam_disasm:local_labels/1: the labels straight after each func_info
    for (const fn of functions) {
      const fi = fn.code.findIndex((i) => i.name === "func_info");
      const mfa = T(A(beam.module), A(fn.name), fn.arity);
      for (let k = fi + 1; k < fn.code.length && fn.code[k].name === "label"; k++) {
        this.localLabels.set((fn.code[k].args[0] as { value: number }).value, mfa);
      }
    }
    const entries = beam.types?.entries ?? [];
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const key = Buffer.from(e).toString("hex");
      if (!seen.has(key)) seen.set(key, i);
      this.typeIndex.push(seen.get(key)!);
    });
  }

  /**
   * A function's instructions in the order beam_disasm lists them. It cuts the
   * labels and lines before a func_info off the end of the function before
   * (get_fun/2: labels_r/2 on the reversed code) and reverses them once more
   * than it should (get_funs/1: lists:reverse/2), so in every function but the
   * first, {label,L} {line,N} {func_info,...} comes out as {line,N} {label,L}
   * {func_info,...}. The reader keeps the file's order.
   */
  code(fn: BeamFunction, first: boolean): Instruction[] {
    if (first) return [...fn.code];
    const fi = fn.code.findIndex((i) => i.name === "func_info");
    return [...fn.code.slice(0, fi).reverse(), ...fn.code.slice(fi)];
  }

  /** beam_disasm's decode_arg/4. */
  raw(o: Operand): unknown {
    switch (o.kind) {
      case "u": return T(A("u"), o.value);
      case "i": return T(A("i"), o.value);
      case "atom": return T(A("atom"), A(o.name));
      case "nil": return A("nil");
      case "x": case "y": return T(A(o.kind), o.n);
      case "f": return T(A("f"), o.label);
      case "h": return T(A("h"), o.value);
      case "float": return T(A("float"), float(o.value));
      case "fr": return T(A("fr"), o.n);
      case "alloc": return T(A("u"), T(A("alloc"), o.items.map((it) => T(A(it.kind), it.count))));
      case "literal": {
        const v = this.beam.literals[o.index].value;
        return isFloat(v) ? T(A("float"), v) : T(A("literal"), v);
      }
      case "tr": return T(A("tr"), this.raw(o.reg), this.typeIndex[o.type]);
      case "list": throw new Error("a list operand outside the instructions that take one");
    }
  }

  /** beam_disasm's resolve_arg/1. */
  resolved(o: Operand): unknown {
    if (o.kind === "u") return o.value;
    if (o.kind === "i") return T(A("integer"), o.value);
    return this.raw(o);
  }

  /** The {Z, U, List} of a list operand, items raw. */
  private zlist(o: Operand): unknown {
    const items = (o as { items: readonly Operand[] }).items;
    return T(T(A("z"), 1), T(A("u"), items.length), items.map((x) => this.raw(x)));
  }

  /** {list, Items}, items resolved. */
  private list(o: Operand): unknown {
    return T(A("list"), (o as { items: readonly Operand[] }).items.map((x) => this.resolved(x)));
  }

  private u(o: Operand): number {
    if (o.kind !== "u") throw new Error(`expected a u operand, not ${o.kind}`);
    return o.value;
  }

  private ext(o: Operand): Tuple {
    const imp = this.beam.imports[this.u(o)];
    return T(A("extfunc"), A(imp.module), A(imp.function), imp.arity);
  }

  private local(o: Operand): unknown {
    const l = (o as { label: number }).label;
    const mfa = this.localLabels.get(l);
    if (!mfa) throw new Error(`call to label ${l}, which starts no function`);
    return mfa;
  }

  private flags(o: Operand): Tuple {
    return T(A("field_flags"), this.u(o));
  }

  /** beam_disasm's resolve_inst/4 (and /7), by instruction. */
  instruction(ins: Instruction): unknown {
    const a = ins.args, op = ins.name, I = A(op);
    const r = (o: Operand) => this.raw(o), v = (o: Operand) => this.resolved(o);
    switch (op) {
      case "label": return T(I, this.u(a[0]));
      case "func_info": return T(I, r(a[0]), r(a[1]), this.u(a[2]));
      case "call": case "call_only": return T(I, this.u(a[0]), this.local(a[1]));
      case "call_last": return T(I, this.u(a[0]), this.local(a[1]), this.u(a[2]));
      case "call_ext": case "call_ext_only": return T(I, this.u(a[0]), this.ext(a[1]));
      case "call_ext_last": return T(I, this.u(a[0]), this.ext(a[1]), this.u(a[2]));
      case "bif0": return T(A("bif"), A(this.beam.imports[this.u(a[0])].function), A("nofail"), [], v(a[1]));
      case "bif1": return T(A("bif"), A(this.beam.imports[this.u(a[1])].function), v(a[0]), [v(a[2])], v(a[3]));
      case "bif2": return T(A("bif"), A(this.beam.imports[this.u(a[1])].function), v(a[0]), [v(a[2]), v(a[3])], v(a[4]));
      case "gc_bif1": case "gc_bif2": case "gc_bif3": {
        const args = a.slice(3, a.length - 1).map(v);
        return T(A("gc_bif"), A(this.beam.imports[this.u(a[2])].function), v(a[0]), v(a[1]), args, v(a[a.length - 1]));
      }
      case "allocate": case "allocate_zero": case "test_heap": case "trim": case "apply_last":
        return T(I, ...a.map((x) => (x.kind === "alloc" ? (r(x) as Tuple).elements[1] : this.u(x))));
      case "allocate_heap": case "allocate_heap_zero":
        return T(I, ...a.map((x) => (x.kind === "alloc" ? (r(x) as Tuple).elements[1] : this.u(x))));
      case "deallocate": case "call_fun": case "apply": return T(I, this.u(a[0]));
      case "init": case "loop_rec_end": case "wait": case "jump": case "catch_end": case "try_end": case "try_case":
      case "recv_mark": case "recv_set": case "recv_marker_clear": case "recv_marker_reserve": case "recv_marker_use":
        return T(I, r(a[0]));
      case "return": case "send": case "remove_message": case "timeout": case "if_end": case "fclearerror":
      case "bs_init_writable": case "on_load": case "build_stacktrace": case "raw_raise": case "nif_start":
        return I;
      case "loop_rec": case "catch": case "try": case "get_hd": case "get_tl": case "recv_marker_bind":
      case "bs_set_position":
        return T(I, r(a[0]), r(a[1]));
      case "wait_timeout": return T(I, r(a[0]), v(a[1]));
      case "is_lt": case "is_ge": case "is_eq": case "is_ne": case "is_eq_exact": case "is_ne_exact":
      case "is_integer": case "is_float": case "is_number": case "is_atom": case "is_pid": case "is_reference":
      case "is_port": case "is_nil": case "is_binary": case "is_list": case "is_nonempty_list": case "is_tuple":
      case "test_arity": case "is_tagged_tuple": case "is_function": case "is_boolean": case "is_function2":
      case "is_bitstr": case "is_map":
        return T(A("test"), I, v(a[0]), a.slice(1).map(v));
      case "select_val": case "select_tuple_arity": return T(I, r(a[0]), r(a[1]), this.list(a[2]));
      case "move": return T(I, v(a[0]), r(a[1]));
      case "get_list": return T(I, r(a[0]), r(a[1]), r(a[2]));
      case "get_tuple_element": return T(I, v(a[0]), this.u(a[1]), v(a[2]));
      case "set_tuple_element": return T(I, v(a[0]), v(a[1]), this.u(a[2]));
      case "put_list": return T(I, v(a[0]), v(a[1]), r(a[2]));
      case "badmatch": case "case_end": case "try_case_end": case "fcheckerror": case "badrecord": case "line":
        return T(I, v(a[0]));
      case "bs_put_integer": case "bs_put_binary": case "bs_put_float":
        return T(I, r(a[0]), v(a[1]), this.u(a[2]), this.flags(a[3]), v(a[4]));
      case "bs_put_string": {
        const len = this.u(a[0]), off = this.u(a[1]);
        return T(I, len, T(A("string"), Array.from(this.beam.strings.subarray(off, off + len))));
      }
      case "fmove": case "fconv": return T(I, v(a[0]), v(a[1]));
      case "fadd": case "fsub": case "fmul": case "fdiv":
        return T(A("arithfbif"), I, v(a[0]), [v(a[1]), v(a[2])], v(a[3]));
      case "fnegate": return T(A("arithfbif"), I, v(a[0]), [v(a[1])], v(a[2]));
      case "raise": return T(I, T(A("f"), 0), [r(a[0]), r(a[1])], T(A("x"), 0));
      case "bs_init2": case "bs_init_bits":
        return T(I, r(a[0]), v(a[1]), this.u(a[2]), this.u(a[3]), this.flags(a[4]), v(a[5]));
      case "bs_add": return T(I, r(a[0]), [v(a[1]), v(a[2]), v(a[3])], v(a[4]));
      case "bs_get_integer2": case "bs_get_binary2": case "bs_get_float2":
        return T(A("test"), I, r(a[0]), [r(a[1]), this.u(a[2]), v(a[3]), this.u(a[4]), this.flags(a[5]), v(a[6])]);
      case "bs_skip_bits2": return T(A("test"), I, r(a[0]), [r(a[1]), v(a[2]), this.u(a[3]), this.flags(a[4])]);
      case "bs_test_tail2": case "bs_test_unit": return T(A("test"), I, r(a[0]), [r(a[1]), this.u(a[2])]);
      case "bs_match_string": {
        const bits = this.u(a[2]), off = this.u(a[3]), len = Math.ceil(bits / 8);
        return T(A("test"), I, r(a[0]), [r(a[1]), bits, this.beam.strings.slice(off, off + len)]);
      }
      case "bs_append":
        return T(I, r(a[0]), v(a[1]), this.u(a[2]), this.u(a[3]), this.u(a[4]), v(a[5]), this.flags(a[6]), v(a[7]));
      case "bs_private_append": return T(I, r(a[0]), v(a[1]), this.u(a[2]), v(a[3]), this.flags(a[4]), v(a[5]));
      case "bs_get_utf8": case "bs_get_utf16": case "bs_get_utf32":
        return T(A("test"), I, r(a[0]), [v(a[1]), v(a[2]), this.flags(a[3]), v(a[4])]);
      case "bs_skip_utf8": case "bs_skip_utf16": case "bs_skip_utf32":
        return T(A("test"), I, r(a[0]), [v(a[1]), v(a[2]), this.flags(a[3])]);
      case "bs_utf8_size": case "bs_utf16_size": return T(I, r(a[0]), v(a[1]), v(a[2]));
      case "bs_put_utf8": case "bs_put_utf16": case "bs_put_utf32": return T(I, r(a[0]), this.flags(a[1]), v(a[2]));
      case "put_map_assoc": case "put_map_exact": return T(I, r(a[0]), r(a[1]), r(a[2]), this.u(a[3]), this.list(a[4]));
      case "has_map_fields": return T(A("test"), I, r(a[0]), r(a[1]), this.list(a[2]));
      case "get_map_elements": return T(I, r(a[0]), r(a[1]), this.list(a[2]));
      case "put_tuple2": return T(I, r(a[0]), this.list(a[1]));
      case "bs_start_match3": case "bs_get_tail": case "bs_get_position": case "bs_start_match4":
        return T(I, ...a.map(r));
      case "swap": return T(I, v(a[0]), v(a[1]));
      case "init_yregs": return T(I, this.list(a[0]));
      case "bs_create_bin": return T(I, [T(...a.slice(0, 5).map(r), ...(this.zlist(a[5]) as Tuple).elements)]);
      case "call_fun2": return T(I, r(a[0]), this.u(a[1]), r(a[2]));
      case "make_fun2": {
        const f = this.beam.lambdas[this.u(a[0])];
        return T(I, T(A(this.beam.module), A(f.function), f.arity), this.u(a[0]), f.oldUniq, f.numFree);
      }
      case "make_fun3": {
        const f = this.beam.lambdas[this.u(a[0])];
        return T(I, T(A(this.beam.module), A(f.function), f.arity), this.u(a[0]), f.oldUniq, r(a[1]), this.list(a[2]));
      }
      default: throw new Error(`no beam_disasm form for ${op}`);
    }
  }
}

// ── the canonical text form (the escript's c/1)

const BARE = /^[a-z][A-Za-z0-9_@]*$/;
function atomText(name: string): string {
  if (BARE.test(name)) return name;
  let out = "'";
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    out += ch === "\\" ? "\\\\" : ch === "'" ? "\\'" : c < 32 || c === 127 ? `\\x${c.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out + "'";
}

function floatText(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return `float(${dv.getBigUint64(0).toString(16).toUpperCase()})`;
}

const utf8 = (s: string) => Buffer.from(s, "utf8");

/** A decoded term (host/etf.ts's JS values) in the escript's canonical text form. */
export function canon(v: unknown): string {
  switch (typeof v) {
    case "boolean": return String(v);
    case "bigint": return String(v);
    case "number": return Number.isInteger(v) ? String(v) : floatText(v);
  }
  if (v instanceof Atom) return atomText(v.name);
  if (v instanceof Float) return floatText(v.value);
  if (v instanceof Tuple) return `{${v.elements.map(canon).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v instanceof ImproperList) return `[${v.elements.map(canon).join(",")}|${canon(v.tail)}]`;
  if (v instanceof Uint8Array) return `<<${Array.from(v).join(",")}>>`;
  if (v instanceof BitString) {
    const whole = Array.from(v.bytes.subarray(0, v.bytes.length - 1));
    return `<<${[...whole, `${v.bytes[v.bytes.length - 1] >> (8 - v.bits)}:${v.bits}`].join(",")}>>`;
  }
  if (v instanceof Map) {
    const pairs = [...v].map(([k, x]) => [canon(k), canon(x)]);
    pairs.sort((a, b) => Buffer.compare(utf8(a[0]), utf8(b[0])));
    return `#{${pairs.map(([k, x]) => `${k}=>${x}`).join(",")}}`;
  }
  if (v instanceof ExportFun) return `fun ${atomText(v.module.name)}:${atomText(v.name.name)}/${v.arity}`;
  throw new Error(`canon: no canonical form for ${String(v)}`);
}
