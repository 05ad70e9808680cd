// WasmFX is behind a flag on Node 26 (V8 14.6), and the flag cannot go in
// NODE_OPTIONS; setting it here covers Jest workers started without it.
require("node:v8").setFlagsFromString("--experimental-wasm-wasmfx");
