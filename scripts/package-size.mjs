// Prints the npm package's size: the .wasm and the JavaScript of build/npm/dist,
// raw, gzip (-9) and brotli, against the 80 KB gzip budget.
// Usage: node scripts/package-size.mjs [NPM_DIR]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = join(process.argv[2] ?? 'build/npm', 'dist');
const files = readdirSync(dir);
const measure = (names) => {
  const bytes = Buffer.concat(names.map((n) => readFileSync(join(dir, n))));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const wasm = measure(files.filter((f) => f.endsWith('.wasm')));
const js = measure(files.filter((f) => /\.m?js$/.test(f)));
const gzipTotal = wasm.gzip + js.gzip;
console.log(`package size: wasm ${kb(wasm.raw)} (gzip ${kb(wasm.gzip)}, brotli ${kb(wasm.brotli)}), ` +
            `js ${kb(js.raw)} (gzip ${kb(js.gzip)}, brotli ${kb(js.brotli)}), ` +
            `total gzip ${kb(gzipTotal)} of an 80 KB budget${gzipTotal > 80 * 1024 ? ' (OVER)' : ''}`);
