// The exports of a Wasm module with their types, read from the binary (the
// JS API names exports but gives no types): "(i32 i64) → (i64)" for a
// function, "global i32 mut", "memory", "table".

const VALTYPE: Record<number, string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };

export function wasmExports(bytes: Uint8Array): Map<string, string> {
  let at = 8;
  const u = () => { let v = 0, s = 0, b; do { b = bytes[at++]; v |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return v >>> 0; };
  const name = () => { const n = u(); const s = new TextDecoder().decode(bytes.subarray(at, at + n)); at += n; return s; };
  const valtype = () => { const t = bytes[at++]; if (t === 0x63 || t === 0x64) { u(); return "ref"; } return VALTYPE[t] ?? `0x${t.toString(16)}`; };
  const types: string[] = [];
  const funcs: string[] = [];      // type of each function, imports first
  const globals: string[] = [];
  const out = new Map<string, string>();
  const limits = () => { const f = u(); u(); if (f & 1) u(); };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u();
    const end = at + size;
    if (id === 1) {
      // (the fx build's types include continuations and recursion groups: parse every form)
      const comptype = (): string => {
        const form = bytes[at++];
        if (form === 0x60) {
          const params = Array.from({ length: u() }, valtype);
          const results = Array.from({ length: u() }, valtype);
          return `(${params.join(" ")}) → (${results.join(" ")})`;
        }
        if (form === 0x5d) { u(); return "cont"; }
        if (form === 0x5e) { storage(); at++; return "array"; }
        if (form === 0x5f) { for (let f = u(); f > 0; f--) { storage(); at++; } return "struct"; }
        throw new Error(`type form 0x${form.toString(16)}`);
      };
      const storage = () => { if (bytes[at] === 0x78 || bytes[at] === 0x77) at++; else valtype(); };
      const subtype = (): string => {
        if (bytes[at] === 0x50 || bytes[at] === 0x4f) { at++; for (let k = u(); k > 0; k--) u(); }
        return comptype();
      };
      for (let n = u(); n > 0; n--) {
        if (bytes[at] === 0x4e) { at++; for (let k = u(); k > 0; k--) types.push(subtype()); }
        else types.push(subtype());
      }
    } else if (id === 2) {
      for (let n = u(); n > 0; n--) {
        name(); name();
        const kind = bytes[at++];
        if (kind === 0) funcs.push(types[u()]);
        else if (kind === 1) { valtype(); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) { const t = valtype(); globals.push(`global ${t}${bytes[at++] ? " mut" : ""}`); }
        else u();
      }
    } else if (id === 3) {
      for (let n = u(); n > 0; n--) funcs.push(types[u()]);
    } else if (id === 6) {
      for (let n = u(); n > 0; n--) {
        const t = valtype();
        globals.push(`global ${t}${bytes[at++] ? " mut" : ""}`);
        // skip the init expression, up to its end (0x0b)
        while (bytes[at] !== 0x0b) at++;
        at++;
      }
    } else if (id === 7) {
      for (let n = u(); n > 0; n--) {
        const nm = name();
        const kind = bytes[at++];
        const i = u();
        out.set(nm, kind === 0 ? funcs[i] : kind === 1 ? "table" : kind === 2 ? "memory" : kind === 3 ? globals[i] : "tag");
      }
    }
    at = end;
  }
  return out;
}
