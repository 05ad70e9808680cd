// Shoal's module: its exports are exactly the ABI that process code calls
// (abi.ts, docs/abi.md) and the control the host uses (control.ts). The
// module is built once per fiber backend (scripts/build.mjs); programs are
// linked into it (compiler/link.ts), never compiled in.

export * from "./abi";
export * from "./control";
