// The natives: built-in functions of the runtime core that compiled code
// calls by name, as it calls any other module's functions. At init (after
// the program's entries, control.ts) each is put in the export table
// (assembly/runtime/exports.ts exportsPut) under (module, function, arity)
// with its function-table index (`fn.index`), replacing a program entry of
// the same name (OTP's lists and maps define stubs of their BIFs; the native
// wins). So export_lookup, apply_mfa, spawn_mfa and the host's spawn by name
// find them like entries.
//
// A native has the entry signature (i64 × arity) → (i64): terms in, a term
// out; one that fails raises through the runtime (exceptions.ts) and returns
// the non-value 0. docs/abi.md "Natives" lists them all; the list below is
// the one place they are named.
//
// Invariant: registerAll names each (module, function, arity) once; it runs
// twice at init, counting first (so the table is sized for them), then
// registering.

import { Term } from "../../gc/term/term";
import { atomOf } from "../../gc/term/atoms";
import { exportsPut, exportLookup } from "../runtime/exports";
import { DEBUG } from "../../gc/mem/debug";
import { isNumber, badarith } from "../runtime/arith";
import { nativesAtomsInit } from "./common";
import {
  erlang_display_1, erlang_display_string_1,
} from "./display";
import {
  erlang_bitstring_to_list_1, erlang_list_to_bitstring_1, erlang_binary_part_2, erlang_binary_part_3,
} from "./bitstrings";
import {
  erlang_and_2, erlang_append_2, erlang_append_element_2, erlang_atom_to_binary_1, erlang_atom_to_binary_2, erlang_atom_to_list_1, erlang_binary_to_atom_1, erlang_binary_to_atom_2, erlang_binary_to_existing_atom_1, erlang_binary_to_existing_atom_2, erlang_binary_to_list_1, erlang_binary_to_list_3, erlang_binary_to_term_1, erlang_bit_size_1, erlang_byte_size_1, erlang_element_2, erlang_eq_2, erlang_exact_eq_2, erlang_exact_neq_2, erlang_fun_to_list_1, erlang_ge_2, erlang_gt_2, erlang_hd_1, erlang_iolist_size_1, erlang_iolist_to_binary_1, erlang_is_atom_1, erlang_is_binary_1, erlang_is_bitstring_1, erlang_is_boolean_1, erlang_is_float_1, erlang_is_function_1, erlang_is_function_2, erlang_is_integer_1, erlang_is_list_1, erlang_is_map_1, erlang_is_map_key_2, erlang_is_number_1, erlang_is_pid_1, erlang_is_port_1, erlang_is_reference_1, erlang_is_tuple_1, erlang_le_2, erlang_length_1, erlang_list_to_atom_1, erlang_list_to_binary_1, erlang_list_to_existing_atom_1, erlang_list_to_tuple_1, erlang_lt_2, erlang_make_tuple_2, erlang_map_get_2, erlang_map_size_1, erlang_max_2, erlang_min_2, erlang_neq_2, erlang_not_1, erlang_or_2, erlang_phash_2, erlang_phash2_1, erlang_phash2_2, erlang_pid_to_list_1, erlang_ref_to_list_1, erlang_setelement_3, erlang_size_1, erlang_split_binary_2, erlang_subtract_2, erlang_term_to_binary_1, erlang_tl_1, erlang_tuple_size_1, erlang_tuple_to_list_1, erlang_xor_2,
} from "./erlang_terms";
import {
  erlang_apply_2, erlang_apply_3, erlang_cancel_timer_1, erlang_demonitor_1, erlang_demonitor_2, erlang_erase_0, erlang_erase_1, erlang_error_1, erlang_error_2, erlang_exit_1, erlang_exit_2, erlang_get_0, erlang_get_1, erlang_get_module_info_1, erlang_get_module_info_2, erlang_is_process_alive_1, erlang_link_1, erlang_make_ref_0, erlang_monitor_2, erlang_monotonic_time_0, erlang_monotonic_time_1, erlang_nif_error_1, erlang_nif_error_2, erlang_node_0, erlang_node_1, erlang_process_flag_2, erlang_put_2, erlang_raise_3, erlang_register_2, erlang_self_0, erlang_send_2, erlang_send_after_3, erlang_spawn_1, erlang_spawn_3, erlang_spawn_link_1, erlang_spawn_link_3, erlang_spawn_monitor_1, erlang_spawn_monitor_3, erlang_system_time_0, erlang_system_time_1, erlang_throw_1, erlang_unlink_1, erlang_unregister_1, erlang_whereis_1, erlang_yield_0,
} from "./erlang_processes";
import {
  erlang_garbage_collect_0, erlang_memory_0, erlang_memory_1, erlang_processes_0, erlang_process_info_2, erlang_statistics_1, erlang_system_info_1, systemInit,
} from "./erlang_system";
import {
  erlang_abs_1, erlang_ceil_1, erlang_floor_1, erlang_binary_to_integer_1, erlang_binary_to_integer_2, erlang_float_1, erlang_float_to_list_1, erlang_float_to_list_2, erlang_integer_to_binary_1, erlang_integer_to_binary_2, erlang_integer_to_list_1, erlang_integer_to_list_2, erlang_list_to_float_1, erlang_list_to_integer_1, erlang_list_to_integer_2, erlang_round_1, erlang_trunc_1,
} from "./numbers";
import {
  lists_keyfind_3, lists_keymember_3, lists_keysearch_3, lists_member_2, lists_reverse_2,
} from "./lists";
import {
  erts_internal_map_next_3, maps_find_2, maps_from_keys_2, maps_from_list_1, maps_get_2, maps_is_key_2, maps_keys_1, maps_merge_2, maps_put_3, maps_remove_2, maps_take_2, maps_to_list_1, maps_update_3, maps_values_1,
} from "./maps";
import {
  math_ceil_1, math_exp_1, math_floor_1, math_log10_1, math_log2_1, math_log_1, math_pi_0, math_pow_2, math_sqrt_1,
} from "./math";
import {
  unicodeAtomsInit, unicode_bin_is_7bit_1, unicode_characters_to_binary_1, unicode_characters_to_binary_2,
  unicode_characters_to_list_1, unicode_characters_to_list_2,
} from "./unicode";
import { stringAtomsInit, string_list_to_integer_1, string_list_to_float_1 } from "./string";
import { binaryAtomsInit, binary_compile_pattern_1, binary_match_2 } from "./binary";
import {
  arithAdd, arithBand, arithBnot, arithBor, arithBsl, arithBsr, arithBxor, arithDiv, arithFdiv, arithMul, arithNeg, arithRem, arithSub,
} from "../runtime/arith";

/** erlang:'+'/1: a number itself (badarith for anything else). */
export function erlangPlus_1(a: Term): Term { return isNumber(a) ? a : badarith(); }

/** Counting (true) or registering. */
let counting = true;
let counted: u32 = 0;

function nat(m: string, f: string, arity: u32, index: u32): void {
  if (counting) { counted++; return; }
  const ma = atomOf(m), fa = atomOf(f);
  exportsPut(<u32>(ma >> 6), <u32>(fa >> 6), arity, index);
  if (DEBUG) assert(exportLookup(ma, fa, arity) == <i32>index);   // found by name under its own index
}

function registerAll(): void {
  nat("erlang", "display", 1, erlang_display_1.index);
  nat("erlang", "display_string", 1, erlang_display_string_1.index);
  nat("erlang", "element", 2, erlang_element_2.index);
  nat("erlang", "setelement", 3, erlang_setelement_3.index);
  nat("erlang", "tuple_size", 1, erlang_tuple_size_1.index);
  nat("erlang", "size", 1, erlang_size_1.index);
  nat("erlang", "make_tuple", 2, erlang_make_tuple_2.index);
  nat("erlang", "append_element", 2, erlang_append_element_2.index);
  nat("erlang", "list_to_tuple", 1, erlang_list_to_tuple_1.index);
  nat("erlang", "tuple_to_list", 1, erlang_tuple_to_list_1.index);
  nat("erlang", "length", 1, erlang_length_1.index);
  nat("erlang", "hd", 1, erlang_hd_1.index);
  nat("erlang", "tl", 1, erlang_tl_1.index);
  nat("erlang", "++", 2, erlang_append_2.index);
  nat("erlang", "--", 2, erlang_subtract_2.index);
  nat("erlang", "byte_size", 1, erlang_byte_size_1.index);
  nat("erlang", "bit_size", 1, erlang_bit_size_1.index);
  nat("erlang", "bitstring_to_list", 1, erlang_bitstring_to_list_1.index);
  nat("erlang", "list_to_bitstring", 1, erlang_list_to_bitstring_1.index);
  nat("erlang", "binary_part", 2, erlang_binary_part_2.index);
  nat("erlang", "binary_part", 3, erlang_binary_part_3.index);
  nat("erlang", "binary_to_list", 1, erlang_binary_to_list_1.index);
  nat("erlang", "binary_to_list", 3, erlang_binary_to_list_3.index);
  nat("erlang", "split_binary", 2, erlang_split_binary_2.index);
  nat("erlang", "iolist_size", 1, erlang_iolist_size_1.index);
  nat("erlang", "iolist_to_binary", 1, erlang_iolist_to_binary_1.index);
  nat("erlang", "list_to_binary", 1, erlang_list_to_binary_1.index);
  nat("erlang", "atom_to_list", 1, erlang_atom_to_list_1.index);
  nat("erlang", "atom_to_binary", 1, erlang_atom_to_binary_1.index);
  nat("erlang", "atom_to_binary", 2, erlang_atom_to_binary_2.index);
  nat("erlang", "list_to_atom", 1, erlang_list_to_atom_1.index);
  nat("erlang", "list_to_existing_atom", 1, erlang_list_to_existing_atom_1.index);
  nat("erlang", "binary_to_atom", 2, erlang_binary_to_atom_2.index);
  nat("erlang", "binary_to_atom", 1, erlang_binary_to_atom_1.index);
  nat("erlang", "binary_to_existing_atom", 2, erlang_binary_to_existing_atom_2.index);
  nat("erlang", "binary_to_existing_atom", 1, erlang_binary_to_existing_atom_1.index);
  nat("erlang", "map_size", 1, erlang_map_size_1.index);
  nat("erlang", "map_get", 2, erlang_map_get_2.index);
  nat("erlang", "is_map_key", 2, erlang_is_map_key_2.index);
  nat("erlang", "=:=", 2, erlang_exact_eq_2.index);
  nat("erlang", "=/=", 2, erlang_exact_neq_2.index);
  nat("erlang", "==", 2, erlang_eq_2.index);
  nat("erlang", "/=", 2, erlang_neq_2.index);
  nat("erlang", "<", 2, erlang_lt_2.index);
  nat("erlang", ">", 2, erlang_gt_2.index);
  nat("erlang", "=<", 2, erlang_le_2.index);
  nat("erlang", ">=", 2, erlang_ge_2.index);
  nat("erlang", "min", 2, erlang_min_2.index);
  nat("erlang", "max", 2, erlang_max_2.index);
  nat("erlang", "not", 1, erlang_not_1.index);
  nat("erlang", "and", 2, erlang_and_2.index);
  nat("erlang", "or", 2, erlang_or_2.index);
  nat("erlang", "xor", 2, erlang_xor_2.index);
  nat("erlang", "is_atom", 1, erlang_is_atom_1.index);
  nat("erlang", "is_binary", 1, erlang_is_binary_1.index);
  nat("erlang", "is_bitstring", 1, erlang_is_bitstring_1.index);
  nat("erlang", "is_boolean", 1, erlang_is_boolean_1.index);
  nat("erlang", "is_float", 1, erlang_is_float_1.index);
  nat("erlang", "is_function", 1, erlang_is_function_1.index);
  nat("erlang", "is_function", 2, erlang_is_function_2.index);
  nat("erlang", "is_integer", 1, erlang_is_integer_1.index);
  nat("erlang", "is_list", 1, erlang_is_list_1.index);
  nat("erlang", "is_map", 1, erlang_is_map_1.index);
  nat("erlang", "is_number", 1, erlang_is_number_1.index);
  nat("erlang", "is_pid", 1, erlang_is_pid_1.index);
  nat("erlang", "is_port", 1, erlang_is_port_1.index);
  nat("erlang", "is_reference", 1, erlang_is_reference_1.index);
  nat("erlang", "is_tuple", 1, erlang_is_tuple_1.index);
  nat("erlang", "phash", 2, erlang_phash_2.index);
  nat("erlang", "phash2", 1, erlang_phash2_1.index);
  nat("erlang", "phash2", 2, erlang_phash2_2.index);
  nat("erlang", "term_to_binary", 1, erlang_term_to_binary_1.index);
  nat("erlang", "binary_to_term", 1, erlang_binary_to_term_1.index);
  nat("erlang", "pid_to_list", 1, erlang_pid_to_list_1.index);
  nat("erlang", "ref_to_list", 1, erlang_ref_to_list_1.index);
  nat("erlang", "fun_to_list", 1, erlang_fun_to_list_1.index);
  nat("erlang", "self", 0, erlang_self_0.index);
  nat("erlang", "make_ref", 0, erlang_make_ref_0.index);
  nat("erlang", "node", 0, erlang_node_0.index);
  nat("erlang", "node", 1, erlang_node_1.index);
  nat("erlang", "send", 2, erlang_send_2.index);
  nat("erlang", "exit", 1, erlang_exit_1.index);
  nat("erlang", "error", 1, erlang_error_1.index);
  nat("erlang", "error", 2, erlang_error_2.index);
  nat("erlang", "throw", 1, erlang_throw_1.index);
  nat("erlang", "nif_error", 1, erlang_nif_error_1.index);
  nat("erlang", "nif_error", 2, erlang_nif_error_2.index);
  nat("erlang", "raise", 3, erlang_raise_3.index);
  nat("erlang", "exit", 2, erlang_exit_2.index);
  nat("erlang", "link", 1, erlang_link_1.index);
  nat("erlang", "unlink", 1, erlang_unlink_1.index);
  nat("erlang", "monitor", 2, erlang_monitor_2.index);
  nat("erlang", "demonitor", 1, erlang_demonitor_1.index);
  nat("erlang", "demonitor", 2, erlang_demonitor_2.index);
  nat("erlang", "process_flag", 2, erlang_process_flag_2.index);
  nat("erlang", "register", 2, erlang_register_2.index);
  nat("erlang", "unregister", 1, erlang_unregister_1.index);
  nat("erlang", "whereis", 1, erlang_whereis_1.index);
  nat("erlang", "is_process_alive", 1, erlang_is_process_alive_1.index);
  nat("erlang", "spawn", 1, erlang_spawn_1.index);
  nat("erlang", "spawn", 3, erlang_spawn_3.index);
  nat("erlang", "spawn_link", 1, erlang_spawn_link_1.index);
  nat("erlang", "spawn_link", 3, erlang_spawn_link_3.index);
  nat("erlang", "spawn_monitor", 1, erlang_spawn_monitor_1.index);
  nat("erlang", "spawn_monitor", 3, erlang_spawn_monitor_3.index);
  nat("erlang", "apply", 2, erlang_apply_2.index);
  nat("erlang", "apply", 3, erlang_apply_3.index);
  nat("erlang", "put", 2, erlang_put_2.index);
  nat("erlang", "get", 1, erlang_get_1.index);
  nat("erlang", "get", 0, erlang_get_0.index);
  nat("erlang", "erase", 1, erlang_erase_1.index);
  nat("erlang", "erase", 0, erlang_erase_0.index);
  nat("erlang", "send_after", 3, erlang_send_after_3.index);
  nat("erlang", "cancel_timer", 1, erlang_cancel_timer_1.index);
  nat("erlang", "monotonic_time", 0, erlang_monotonic_time_0.index);
  nat("erlang", "monotonic_time", 1, erlang_monotonic_time_1.index);
  nat("erlang", "system_time", 0, erlang_system_time_0.index);
  nat("erlang", "system_time", 1, erlang_system_time_1.index);
  nat("erlang", "yield", 0, erlang_yield_0.index);
  nat("erlang", "get_module_info", 2, erlang_get_module_info_2.index);
  nat("erlang", "get_module_info", 1, erlang_get_module_info_1.index);
  nat("erlang", "integer_to_list", 1, erlang_integer_to_list_1.index);
  nat("erlang", "integer_to_list", 2, erlang_integer_to_list_2.index);
  nat("erlang", "integer_to_binary", 1, erlang_integer_to_binary_1.index);
  nat("erlang", "integer_to_binary", 2, erlang_integer_to_binary_2.index);
  nat("erlang", "list_to_integer", 1, erlang_list_to_integer_1.index);
  nat("erlang", "list_to_integer", 2, erlang_list_to_integer_2.index);
  nat("erlang", "binary_to_integer", 1, erlang_binary_to_integer_1.index);
  nat("erlang", "binary_to_integer", 2, erlang_binary_to_integer_2.index);
  nat("erlang", "abs", 1, erlang_abs_1.index);
  nat("erlang", "trunc", 1, erlang_trunc_1.index);
  nat("erlang", "round", 1, erlang_round_1.index);
  nat("erlang", "floor", 1, erlang_floor_1.index);
  nat("erlang", "ceil", 1, erlang_ceil_1.index);
  nat("erlang", "float", 1, erlang_float_1.index);
  nat("erlang", "float_to_list", 1, erlang_float_to_list_1.index);
  nat("erlang", "float_to_list", 2, erlang_float_to_list_2.index);
  nat("erlang", "list_to_float", 1, erlang_list_to_float_1.index);
  nat("math", "pi", 0, math_pi_0.index);
  nat("math", "sqrt", 1, math_sqrt_1.index);
  nat("math", "exp", 1, math_exp_1.index);
  nat("math", "log", 1, math_log_1.index);
  nat("math", "log2", 1, math_log2_1.index);
  nat("math", "log10", 1, math_log10_1.index);
  nat("math", "pow", 2, math_pow_2.index);
  nat("math", "floor", 1, math_floor_1.index);
  nat("math", "ceil", 1, math_ceil_1.index);
  nat("unicode", "characters_to_list", 1, unicode_characters_to_list_1.index);
  nat("unicode", "characters_to_list", 2, unicode_characters_to_list_2.index);
  nat("unicode", "characters_to_binary", 1, unicode_characters_to_binary_1.index);
  nat("unicode", "characters_to_binary", 2, unicode_characters_to_binary_2.index);
  nat("unicode", "bin_is_7bit", 1, unicode_bin_is_7bit_1.index);
  nat("string", "list_to_integer", 1, string_list_to_integer_1.index);
  nat("string", "list_to_float", 1, string_list_to_float_1.index);
  nat("binary", "compile_pattern", 1, binary_compile_pattern_1.index);
  nat("binary", "match", 2, binary_match_2.index);
  nat("lists", "reverse", 2, lists_reverse_2.index);
  nat("lists", "keyfind", 3, lists_keyfind_3.index);
  nat("lists", "keymember", 3, lists_keymember_3.index);
  nat("lists", "keysearch", 3, lists_keysearch_3.index);
  nat("lists", "member", 2, lists_member_2.index);
  nat("maps", "get", 2, maps_get_2.index);
  nat("maps", "find", 2, maps_find_2.index);
  nat("maps", "is_key", 2, maps_is_key_2.index);
  nat("maps", "put", 3, maps_put_3.index);
  nat("maps", "update", 3, maps_update_3.index);
  nat("maps", "remove", 2, maps_remove_2.index);
  nat("maps", "take", 2, maps_take_2.index);
  nat("maps", "keys", 1, maps_keys_1.index);
  nat("maps", "values", 1, maps_values_1.index);
  nat("maps", "to_list", 1, maps_to_list_1.index);
  nat("maps", "merge", 2, maps_merge_2.index);
  nat("maps", "from_list", 1, maps_from_list_1.index);
  nat("maps", "from_keys", 2, maps_from_keys_2.index);
  nat("erts_internal", "map_next", 3, erts_internal_map_next_3.index);
  nat("erlang", "!", 2, erlang_send_2.index);
  nat("erlang", "+", 2, arithAdd.index);
  nat("erlang", "-", 2, arithSub.index);
  nat("erlang", "*", 2, arithMul.index);
  nat("erlang", "div", 2, arithDiv.index);
  nat("erlang", "rem", 2, arithRem.index);
  nat("erlang", "/", 2, arithFdiv.index);
  nat("erlang", "-", 1, arithNeg.index);
  nat("erlang", "band", 2, arithBand.index);
  nat("erlang", "bor", 2, arithBor.index);
  nat("erlang", "bxor", 2, arithBxor.index);
  nat("erlang", "bnot", 1, arithBnot.index);
  nat("erlang", "bsl", 2, arithBsl.index);
  nat("erlang", "bsr", 2, arithBsr.index);
  nat("erlang", "+", 1, erlangPlus_1.index);
  nat("erlang", "statistics", 1, erlang_statistics_1.index);
  nat("erlang", "system_info", 1, erlang_system_info_1.index);
  nat("erlang", "memory", 0, erlang_memory_0.index);
  nat("erlang", "memory", 1, erlang_memory_1.index);
  nat("erlang", "processes", 0, erlang_processes_0.index);
  nat("erlang", "process_info", 2, erlang_process_info_2.index);
  nat("erlang", "garbage_collect", 0, erlang_garbage_collect_0.index);
}

/** How many natives there are (registerAll counted). */
export function nativesCount(): u32 {
  counting = true;
  counted = 0;
  registerAll();
  return counted;
}

/** Intern the natives' atoms and put every native in the export table (after exportsInit). */
export function nativesInit(): void {
  nativesAtomsInit();
  systemInit();
  unicodeAtomsInit();
  stringAtomsInit();
  binaryAtomsInit();
  counting = false;
  registerAll();
}
