// The math module's BIFs, as natives (registry.ts): pi/0, sqrt/1, exp/1,
// log/1, log2/1, log10/1, pow/2, floor/1, ceil/1. As BEAM 25 (erl_math.c):
// an argument that is not a number is badarg; a result that is not a finite
// double (a domain error such as log(0) or sqrt(-1), or an overflow) is
// badarith. OTP's gb_trees and gb_sets call math:log/1 to size a balanced
// tree.
//
// The functions are AssemblyScript's (musl's algorithms); glibc's, which
// BEAM calls, agree with them where both are correctly rounded, which the
// tests' inputs are (tests/natives.test.ts compares with erl).

import { Term } from "../../gc/term/term";
import { badarg } from "./common";
import { isNumber, numberToF64, floatResult } from "../runtime/arith";

/** The argument's value; the caller has checked it is a number. */
function num(a: Term): f64 { return numberToF64(a); }

/** math:pi/0. */
export function math_pi_0(): Term { return floatResult(Math.PI); }
/** math:sqrt/1. */
export function math_sqrt_1(a: Term): Term { return isNumber(a) ? floatResult(Math.sqrt(num(a))) : badarg(); }
/** math:exp/1. */
export function math_exp_1(a: Term): Term { return isNumber(a) ? floatResult(Math.exp(num(a))) : badarg(); }
/** math:log/1. */
export function math_log_1(a: Term): Term { return isNumber(a) ? floatResult(Math.log(num(a))) : badarg(); }
/** math:log2/1. */
export function math_log2_1(a: Term): Term { return isNumber(a) ? floatResult(Math.log2(num(a))) : badarg(); }
/** math:log10/1. */
export function math_log10_1(a: Term): Term { return isNumber(a) ? floatResult(Math.log10(num(a))) : badarg(); }
/** math:floor/1: a float. */
export function math_floor_1(a: Term): Term { return isNumber(a) ? floatResult(Math.floor(num(a))) : badarg(); }
/** math:ceil/1: a float. */
export function math_ceil_1(a: Term): Term { return isNumber(a) ? floatResult(Math.ceil(num(a))) : badarg(); }
/** math:pow/2 (floatResult: badarith where C's pow gives no finite double, e.g. a negative base to a fraction). */
export function math_pow_2(a: Term, b: Term): Term {
  if (!isNumber(a) || !isNumber(b)) return badarg();
  return floatResult(Math.pow(num(a), num(b)));
}
