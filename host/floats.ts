// Doubles as decimal text, for the runtime's float formatting (env.float_text,
// assembly/natives/numbers.ts): what C's printf writes, which BEAM's
// float_to_list uses, and the shortest digits that read back.
//
//   mode  what                      how
//   ----  ------------------------  ------------------------------------------------------------
//    0    "%.{prec}e"               the exact decimal value of x (a double is m * 2^e: the integer
//    1    "%.{prec}f"               m * 5^-e over 10^-e when e < 0), rounded to the digits asked
//                                   half to even, as glibc's printf does (JS's toExponential and
//                                   toFixed round exact ties up, and toFixed stops at 100 digits)
//    2    shortest digits           toExponential() with no argument: the fewest digits that read
//                                   back as x (the same digits as BEAM's Ryu), written "DDDDeN":
//                                   the digits, then the decimal exponent of the first one
//
// The sign is written for modes 0 and 1 (-0.0 included: "-0.00"), never for mode 2.

/** x = digits * 10^exp10 exactly, for finite x >= 0. */
function exact(x: number): { digits: bigint; exp10: number } {
  if (x === 0) return { digits: 0n, exp10: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xf_ffff_ffff_ffffn;
  let e: number;
  if (biased === 0) e = -1074;
  else { m |= 1n << 52n; e = biased - 1075; }
  if (e >= 0) return { digits: m << BigInt(e), exp10: 0 };
  return { digits: m * 5n ** BigInt(-e), exp10: e };
}

/** n / 10^k rounded half to even (k > 0). */
function divRound(n: bigint, k: number): bigint {
  const d = 10n ** BigInt(k);
  const q = n / d, r = n % d;
  const twice = 2n * r;
  return twice > d || (twice === d && (q & 1n) === 1n) ? q + 1n : q;
}

/** printf's "%.{prec}e" of x. */
function sci(x: number, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const { digits, exp10 } = exact(Math.abs(x));
  let text: string, e: number;
  if (digits === 0n) { text = "0".repeat(prec + 1); e = 0; }
  else {
    const len = digits.toString().length;
    e = len - 1 + exp10;
    let r = len > prec + 1 ? divRound(digits, len - prec - 1) : digits * 10n ** BigInt(prec + 1 - len);
    if (r.toString().length > prec + 1) { r /= 10n; e++; }   // 9.99.. rounded up to 10.0..
    text = r.toString();
  }
  const mant = prec > 0 ? `${text[0]}.${text.slice(1)}` : text;
  const ae = Math.abs(e);
  return `${neg ? "-" : ""}${mant}e${e < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
}

/** printf's "%.{prec}f" of x. */
function fixed(x: number, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const { digits, exp10 } = exact(Math.abs(x));
  const q = exp10 + prec;
  const r = q >= 0 ? digits * 10n ** BigInt(q) : divRound(digits, -q);
  let text = r.toString();
  if (prec > 0) {
    text = text.padStart(prec + 1, "0");
    text = `${text.slice(0, -prec)}.${text.slice(-prec)}`;
  }
  return `${neg ? "-" : ""}${text}`;
}

/** The shortest digits of |x| that read back as x, and the decimal exponent of the first. */
function shortest(x: number): string {
  const [mant, exp] = Math.abs(x).toExponential().split("e");
  return `${mant.replace(".", "")}e${Number(exp)}`;
}

/** The text env.float_text writes for (x, mode, prec). */
export function floatText(x: number, mode: number, prec: number): string {
  return mode === 0 ? sci(x, prec) : mode === 1 ? fixed(x, prec) : shortest(x);
}

/** Write ASCII `text` into `memory` at `at`; its length. */
export function writeAscii(memory: WebAssembly.Memory, at: number, text: string): number {
  const bytes = new Uint8Array(memory.buffer, at, text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return text.length;
}
