// The benchmark runs end to end (quick mode): every library that can run a case produces a
// finite number for it, and every one that cannot says why, so `npm run bench` cannot silently
// rot. Speed targets live in the bench's ratios, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from '../../bench/cases/common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Findings the bench exists to report: TF.js WASM 4.22 as shipped cannot train these models.
const EXPECTED_UNSUPPORTED = {
  'lenet-train/tfjs-wasm': /Conv2DBackpropFilter/,
  'lstm-train/tfjs-wasm': /UnsortedSegmentSum/,
  'bilstm-train/tfjs-wasm': /UnsortedSegmentSum/,
  'lstm-train/convnetjs': /LSTM/,
  'convae-train/tfjs-wasm': /Conv2DBackpropFilter/,
};

test('npm run bench (quick) measures simdnn, TF.js and ConvNetJS side by side', { timeout: 400000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-bench-'));
  try {
    const out = join(dir, 'bench.json');
    const run = spawnSync('node', ['bench/run.mjs', '--quick', `--out=${out}`], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `bench failed:\n${run.stdout}\n${run.stderr}`);
    console.log(run.stdout.trim());
    assert.match(run.stdout, /SGEMM n=512/);
    assert.match(run.stdout, /LeNet-5 fit, batch 64/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual([...new Set(json.rows.map((r) => r.case))], Object.keys(CASES));
    for (const row of json.rows) {
      for (const library of CASES[row.case].libraries) {
        const where = `${row.label}: ${library}`;
        const result = json.runs.find((r) => r.case === row.case && r.library === library);
        assert.ok(result, `${where} did not run`);
        const expected = EXPECTED_UNSUPPORTED[`${row.case}/${library}`];
        if (library === 'simdnn' || !['unsupported', 'skipped'].includes(result.status) || expected) {
          if (expected) {
            assert.equal(result.status, 'unsupported', `${where}: expected unsupported, got ${result.status}`);
            assert.match(result.reason, expected);
            continue;
          }
          const v = row.values[library];
          assert.ok(Number.isFinite(v) && v > 0, `${where} gave ${v} (${result.status}: ${result.reason ?? ''})`);
        } else {
          assert.ok(result.reason.length > 5, `${where}: ${result.status} without a reason`);
        }
      }
      if (row.values['tfjs-wasm']) assert.ok(row.ratios['tfjs-wasm'] > 0, `${row.label}: no ratio`);
    }
    // The patched TF.js WASM column is what makes its training comparable.
    for (const c of ['lenet-train', 'lstm-train', 'bilstm-train', 'convae-train']) {
      assert.ok(json.rows.find((r) => r.case === c).values['tfjs-wasm+patch'] > 0, `${c}: tfjs-wasm+patch gave no number`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench rounds: each cell is the median of interleaved runs, each run kept', { timeout: 120000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-bench-'));
  try {
    const out = join(dir, 'bench.json');
    const run = spawnSync('node', ['bench/run.mjs', '--quick', '--rounds=3', '--cases=mlp-predict',
      '--libraries=simdnn,tfjs-wasm,tfjs-cpu', `--out=${out}`], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `bench failed:\n${run.stdout}\n${run.stderr}`);
    // Interleaved, alternating direction; the plain-JS library once, after them.
    const order = [...run.stderr.matchAll(/mlp-predict\s+(\S+)\s+(r\d)?/g)].map((m) => `${m[1]} ${m[2] ?? ''}`.trim());
    assert.deepEqual(order, ['simdnn r1', 'tfjs-wasm r1', 'tfjs-wasm r2', 'simdnn r2', 'simdnn r3', 'tfjs-wasm r3', 'tfjs-cpu']);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(json.rounds, 3);
    for (const library of ['simdnn', 'tfjs-wasm']) {
      const result = json.runs.find((r) => r.library === library);
      assert.equal(result.rounds, 3, library);
      for (const m of result.metrics) {
        assert.equal(m.roundValues.length, 3, `${library} ${m.key}`);
        const middle = [...m.roundValues].sort((a, b) => a - b)[1];
        assert.equal(m.value, middle, `${library} ${m.key}: the cell is the middle round`);
      }
    }
    assert.equal(json.runs.find((r) => r.library === 'tfjs-cpu').rounds, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
