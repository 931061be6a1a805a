// Emscripten 3.1.6's ES-module glue uses CommonJS `require` and `__dirname` on
// its Node path; give it both inside the module (see TOOLCHAIN.md §2). The
// specifier is computed, and the magic comments are kept by the minifier, so
// that bundlers do not try to put node:module into a browser build (webpack
// and esbuild refuse to build one otherwise).
const __emIsNode = typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string';
const require = __emIsNode
  ? (await import(/* webpackIgnore: true */ /* @vite-ignore */ ['node', 'module'].join(':'))).createRequire(import.meta.url)
  : undefined;
const __dirname = __emIsNode ? require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url)) : undefined;
