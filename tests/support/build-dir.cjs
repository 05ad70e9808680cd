// Jest's stand-in for host/load/build-dir.ts (jest.config.cjs maps it): Jest
// runs the host as CommonJS, where import.meta does not exist.
const path = require("node:path");
const { pathToFileURL } = require("node:url");

exports.buildDir = pathToFileURL(path.join(__dirname, "..", "..", "build") + path.sep);
