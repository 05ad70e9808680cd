// Jest runs the TypeScript tests through ts-jest, compiled to CommonJS (the
// host is ESM: its imports name ./x.js, which map back to ./x.ts here, and
// the one file that reads import.meta has a CommonJS stand-in). The WasmFX
// flag is set for every worker (tests/setup-wasmfx.cjs) as well as on the
// command line.
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, module: "commonjs", moduleResolution: "node10" } }],
  },
  moduleNameMapper: {
    "/build-dir\\.js$": "<rootDir>/tests/support/build-dir.cjs",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  setupFiles: ["<rootDir>/tests/setup-wasmfx.cjs"],
  testTimeout: 60000,
};
