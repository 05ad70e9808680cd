// Shoal for Node (the package's "node" export): the public API (host/api.ts),
// with the modules read from the package's build/ folder unless
// StartOptions.modules gives them.
import { installPlatform } from "./load/modules.js";
import { nodePlatform } from "./load/node.js";

installPlatform(nodePlatform);

export * from "./api.js";
