// The benchmark runs end to end (quick mode): every library produces numbers for every case,
// so `npm run bench` cannot silently rot. Speed targets live in the bench's ratios, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run bench (quick) measures simdnn and TF.js side by side', { timeout: 300000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-bench-'));
  try {
    const out = join(dir, 'bench.json');
    const run = spawnSync('node', ['bench/run.mjs', '--quick', `--out=${out}`], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `bench failed:\n${run.stdout}\n${run.stderr}`);
    console.log(run.stdout.trim());
    assert.match(run.stdout, /SGEMM n=512/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const cases = json.rows.map((r) => r.case);
    for (const wanted of ['gemm-256', 'gemm-512', 'mlp-train', 'mlp-predict']) {
      assert.ok(cases.some((c) => c.startsWith(wanted)), `case ${wanted} missing`);
    }
    for (const row of json.rows) {
      for (const library of ['simdnn', 'tfjs-wasm', 'tfjs-cpu']) {
        const v = row.values[library];
        assert.ok(typeof v === 'number' && v > 0, `${row.label}: ${library} gave ${v}`);
      }
      assert.ok(row.ratios['tfjs-wasm'] > 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
