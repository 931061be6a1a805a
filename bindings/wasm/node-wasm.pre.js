// Node 20's fetch cannot read file:// URLs, so hand the .wasm bytes to the
// glue ourselves (see TOOLCHAIN.md §2). Bracket notation survives --closure.
if (typeof process == 'object' && typeof process['versions'] == 'object' && typeof process['versions']['node'] == 'string' &&
    !Module['wasmBinary'] && !Module['instantiateWasm']) {
  var emWasmPath = require('node:url')['fileURLToPath'](_scriptDir).replace(/\.m?js$/, '.wasm');
  if (Module['locateFile']) emWasmPath = Module['locateFile'](require('node:path')['basename'](emWasmPath), __dirname + '/');
  Module['wasmBinary'] = require('node:fs')['readFileSync'](emWasmPath);
}
