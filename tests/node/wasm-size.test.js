// The download budget (issue 6): the single-threaded module should stay <= 300 KB gzip -9. A
// change that pulls a large dependency or a bloating flag into every build fails here, not in
// a user's network panel. Also checks the size report itself reads the module correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { distSizes, functionSizes, sections } from '../../scripts/wasm-size.mjs';

const wasm = new URL('../../dist/simdnn.wasm', import.meta.url);

// The target itself, no slack: the module is ~270 KB (docs/performance.md), so a change that
// takes it over 300 KB has added ~30 KB of gzip and should say why.
test('dist/simdnn.wasm stays within the gzip download budget', () => {
  const sizes = distSizes();
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  assert.ok(sizes.wasm.gzip <= sizes.gzipTarget,
    `simdnn.wasm is ${kb(sizes.wasm.gzip)} gzip -9, over the ${kb(sizes.gzipTarget)} budget: ` +
    'run node scripts/wasm-size.mjs on a --profiling-funcs link to see what grew');
  // The glue is small; a jump means a debug or assertion build slipped into dist/.
  assert.ok(sizes.glue.gzip <= 40_000, `simdnn.mjs is ${kb(sizes.glue.gzip)} gzip -9`);
});

test('the size report accounts for every byte of the module', () => {
  const bytes = readFileSync(wasm);
  const all = sections(bytes);
  const last = all[all.length - 1];
  assert.equal(last.start + last.size, bytes.length, 'sections do not tile the file');
  const code = all.find((s) => s.name === 'code');
  const bodies = functionSizes(bytes);
  assert.ok(bodies.length > 1000, `only ${bodies.length} function bodies`);
  const summed = bodies.reduce((sum, f) => sum + f.size, 0);
  // The code section is its body count (a LEB128 of at most 5 bytes) followed by the bodies.
  assert.ok(code.size - summed >= 1 && code.size - summed <= 5, `bodies ${summed} vs code section ${code.size}`);
});
