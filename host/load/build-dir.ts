// The package's build/ folder, where `npm run build` leaves the modules. The
// one place the library reads import.meta: compiled, this file is
// dist/host/load/build-dir.js (three levels below the package root); run as
// source, host/load/build-dir.ts (two). Jest runs the host as CommonJS and
// maps this file to tests/support/build-dir.cjs (jest.config.cjs).

/** URL of the build/ folder (with its trailing slash). */
export const buildDir: URL = new URL(import.meta.url.endsWith(".ts") ? "../../build/" : "../../../build/", import.meta.url);
