// The golden vectors, run in WASM: every vector of every area must give
// exactly the output the native suite checks ("same results on both targets").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modulePath = process.env.TWINSOCK_VECTORS_MJS;
const vectorDir = process.env.TWINSOCK_VECTOR_DIR;
assert.ok(modulePath && vectorDir, 'TWINSOCK_VECTORS_MJS and TWINSOCK_VECTOR_DIR must be set');

const createVectors = (await import(pathToFileURL(modulePath).href)).default;
const wasm = await createVectors();
const registered = JSON.parse(wasm.areas());

const files = readdirSync(vectorDir).filter((f) => f.endsWith('.json'));
test('every vector file has a runner in the WASM build', () => {
  assert.ok(files.length > 0, 'no vector files');
  for (const f of files) assert.ok(registered.includes(f.replace(/\.json$/, '')), `no runner for ${f}`);
});

for (const file of files) {
  const area = file.replace(/\.json$/, '');
  const { vectors } = JSON.parse(readFileSync(join(vectorDir, file), 'utf8'));
  test(`${area} golden vectors in WASM`, () => {
    assert.ok(vectors.length > 0);
    for (const vector of vectors) {
      const actual = JSON.parse(wasm.runVector(area, JSON.stringify(vector)));
      assert.deepStrictEqual(actual, vector.expect, `${area}: ${vector.name}`);
    }
  });
}
