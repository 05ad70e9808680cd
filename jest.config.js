// Jest runs the TypeScript tests through ts-jest; the WasmFX flag is set for
// every worker (tests/setup-wasmfx.js) as well as on the command line.
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, module: "commonjs" } }] },
  setupFiles: ["<rootDir>/tests/setup-wasmfx.js"],
  testTimeout: 60000,
};
