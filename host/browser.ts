// Shoal for browsers and any other engine (the package's "browser" and
// "default" export): the public API (host/api.ts), with no Node API anywhere
// in its imports. Pass the modules through StartOptions.modules (the package
// ships them as shoal/build/shoal.{asyncify,fx}.wasm), e.g. where a server
// serves them:
//
//   const rt = await Runtime.start({ modules: { asyncify: "/assets/shoal.asyncify.wasm" } });
export * from "./api.js";
