// The npm package as a user gets it: packed, installed into a fresh folder, imported by name.
// The acceptance trainings (training.acceptance.js) run against that installed copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('packed package installs, imports by name and passes the acceptance trainings', { timeout: 600000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdnn-pkg-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced no tarball');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: dir, stdio: 'inherit' });
    writeFileSync(join(dir, 'smoke.mjs'), [
      "import { load } from 'simdnn';",
      'const nn = await load();',
      "const m = nn.sequential({ layers: [nn.layers.dense({ units: 2, inputShape: [3] })] });",
      "console.log(JSON.stringify({ version: nn.version, params: m.countParams() }));",
    ].join('\n'));
    const smoke = JSON.parse(execFileSync('node', ['smoke.mjs'], { cwd: dir, encoding: 'utf8' }));
    assert.equal(smoke.params, 8);
    const run = spawnSync('node', ['--test', join(root, 'tests/node/training.acceptance.js')], {
      env: { ...process.env, SIMDNN_PACKAGE_DIR: dir }, encoding: 'utf8',
    });
    console.log(run.stdout.split('\n').filter((l) => /^# (two spirals|regression|linear AE|pass|fail)|^not ok|^ok/.test(l.trim()) || /accuracy|MSE/.test(l)).join('\n'));
    assert.equal(run.status, 0, `acceptance trainings failed:\n${run.stdout}\n${run.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
