// simdnn vs TensorFlow.js, side by side: `node bench/run.mjs [--quick] [--cases=a,b]
// [--libraries=x,y] [--rounds=N] [--out=file.json]`. Every library+case runs in its own child
// process (bench/cases/<library>.mjs), one after the other so they never share the 2 cores. Prints
// one table (ratios = how many times faster simdnn is) and writes bench/results/latest.json.
// The libraries the targets are judged against run in interleaved rounds (see ROUNDED).
// Progress goes to stderr, the table to stdout. Exit code 1 if any run failed (a library that
// is not installed or not built is reported as n/a, not as a failure).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, METRICS, RESULT_MARKER, median } from './cases/common.mjs';
import { distSizes } from '../scripts/wasm-size.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

const LIBRARIES = {
  simdnn: { script: 'simdnn.mjs', args: [] },
  // The threaded build (dist/simdnn-threads.*) with 2 engine threads; its ratio column is its
  // speedup over the single-threaded simdnn column.
  'simdnn-2t': { script: 'simdnn.mjs', args: ['--threads=2'], threadsOf: 'simdnn' },
  'tfjs-wasm': { script: 'tfjs.mjs', args: ['--backend=wasm'] },
  'tfjs-wasm+patch': { script: 'tfjs.mjs', args: ['--backend=wasm', '--patch'] },
  'tfjs-cpu': { script: 'tfjs.mjs', args: ['--backend=cpu'] },
  convnetjs: { script: 'convnetjs.mjs', args: [] },
};
const BASELINE = 'simdnn';
// These run `rounds` times per case, interleaved (simdnn, TF.js WASM, ..., then again in reverse
// order), and each cell is the median of the rounds' medians. On a shared machine a neighbour's
// burst slows whichever process runs during it by up to 1.5x; one process per library run once
// would put such a burst into a ratio. The plain-JS libraries, 10-300x behind, run once.
const ROUNDED = new Set(['simdnn', 'simdnn-2t', 'tfjs-wasm', 'tfjs-wasm+patch']);

function parseArgs(argv) {
  const options = { quick: false, rounds: null, cases: Object.keys(CASES), libraries: Object.keys(LIBRARIES),
    out: path.join(benchDir, 'results', 'latest.json') };
  for (const arg of argv) {
    const [flag, value] = arg.split(/=(.*)/s, 2);
    if (flag === '--quick') options.quick = true;
    else if (flag === '--cases') options.cases = pickNames(value, CASES, '--cases');
    else if (flag === '--libraries') options.libraries = pickNames(value, LIBRARIES, '--libraries');
    else if (flag === '--out' && value) options.out = path.resolve(value);
    else if (flag === '--rounds' && /^[1-9]\d?$/.test(value ?? '')) options.rounds = Number(value);
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node bench/run.mjs [--quick] [--cases=a,b] [--libraries=x,y] [--rounds=N] [--out=file.json]\n' +
        '  --rounds: interleaved runs of simdnn and TF.js WASM per case (default 3, --quick 1)\n' +
        `  cases: ${Object.keys(CASES).join(', ')}\n  libraries: ${Object.keys(LIBRARIES).join(', ')}`);
      process.exit(0);
    } else {
      throw new Error(`bench: unknown argument ${arg} (try --help)`);
    }
  }
  options.rounds ??= options.quick ? 1 : 3;
  return options;
}

function pickNames(list, known, flag) {
  const names = (list ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !known[n]);
  if (names.length === 0 || unknown.length) {
    throw new Error(`bench: ${flag} expects a comma-separated subset of ${Object.keys(known).join(', ')}, got ${list}`);
  }
  return names;
}

// Runs one worker and resolves with its result line (or an error result); never rejects.
function runChild(library, caseName, quick) {
  const { script, args } = LIBRARIES[library];
  const childArgs = [path.join(benchDir, 'cases', script), caseName, ...args, ...(quick ? ['--quick'] : [])];
  const timeoutMs = (quick ? 90 : 300) * 1000;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { stderr += `\nkilled after ${timeoutMs / 1000} s`; child.kill('SIGKILL'); }, timeoutMs);
    const finish = (code, spawnError) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const line = stdout.split('\n').filter((l) => l.startsWith(RESULT_MARKER)).pop();
      let result;
      try {
        result = line ? JSON.parse(line.slice(RESULT_MARKER.length)) : null;
      } catch (error) {
        result = null;
        stderr += `\nunreadable result line: ${error.message}`;
      }
      if (!result || (result.status === 'ok' && code !== 0)) {
        result = { library, case: caseName, status: 'error',
          reason: `worker exited with ${spawnError?.message ?? code} and no result; stderr: ${stderr.trim().slice(-2000)}` };
      }
      resolve({ ...result, library, case: caseName, seconds });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

// One run per library and case: the rounds' metrics become the median of the rounds' values
// (each round's value is already the median of its timed calls); every sample is kept.
function mergeRounds(rounds) {
  if (rounds.length === 1) return rounds[0];
  const failed = rounds.find((r) => r.status !== 'ok');
  if (failed) return failed;
  const [first] = rounds;
  const metrics = first.metrics.map((m) => {
    const values = rounds.map((r) => r.metrics.find((x) => x.key === m.key).value);
    return { ...m, value: median(values), roundValues: values, samples: rounds.flatMap((r) => r.metrics.find((x) => x.key === m.key).samples) };
  });
  return { ...first, metrics, rounds: rounds.length, seconds: rounds.reduce((sum, r) => sum + r.seconds, 0) };
}

function formatValue(value) {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

// Reasons a library did not run go to numbered notes under the table, so cells stay narrow.
function cellFor(run, key, notes) {
  if (!run) return '-';
  if (['unavailable', 'unsupported', 'skipped'].includes(run.status)) {
    if (!notes.includes(run.reason)) notes.push(run.reason);
    return `n/a [${notes.indexOf(run.reason) + 1}]`;
  }
  if (run.status !== 'ok') return 'error';
  const m = run.metrics.find((x) => x.key === key);
  return m ? formatValue(m.value) : 'missing';
}

// > 1 means simdnn is faster, whichever direction the unit runs.
function speedup(better, simdnnValue, peerValue) {
  return better === 'higher' ? simdnnValue / peerValue : peerValue / simdnnValue;
}

function buildRows(runs, options, notes) {
  const rows = [];
  for (const caseName of options.cases) {
    for (const key of CASES[caseName].metrics) {
      const meta = METRICS[key];
      const row = { case: caseName, key, ...meta, values: {}, cells: {}, ratios: {} };
      const valueOf = (library) => runs.find((r) => r.case === caseName && r.library === library && r.status === 'ok')
        ?.metrics.find((m) => m.key === key)?.value ?? null;
      for (const library of options.libraries) {
        row.values[library] = valueOf(library);
        row.cells[library] = cellFor(runs.find((r) => r.case === caseName && r.library === library), key, notes);
      }
      for (const peer of options.libraries.filter((l) => l !== BASELINE)) {
        const [mine, theirs] = [row.values[BASELINE], row.values[peer]];
        const gain = LIBRARIES[peer].threadsOf === BASELINE;
        row.ratios[peer] = mine && theirs ? (gain ? speedup(meta.better, theirs, mine) : speedup(meta.better, mine, theirs)) : null;
      }
      rows.push(row);
    }
  }
  return rows;
}

function renderTable(rows, options) {
  const peers = options.libraries.filter((l) => l !== BASELINE);
  const showRatios = options.libraries.includes(BASELINE);
  const ratioName = (p) => (LIBRARIES[p].threadsOf === BASELINE ? `${p} gain` : `vs ${p}`);
  const header = ['case', 'unit', ...options.libraries, ...(showRatios ? peers.map(ratioName) : [])];
  const body = rows.map((row) => [row.label, row.unit, ...options.libraries.map((l) => row.cells[l]),
    ...(showRatios ? peers.map((p) => (row.ratios[p] ? `${row.ratios[p].toFixed(2)}x` : '-')) : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line)].join('\n');
}

function machineInfo() {
  const cpus = os.cpus();
  return { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length, loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))) };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  // A case runs on the libraries it lists (cases/common.mjs); the others show '-'. Rounded
  // libraries run `rounds` times, alternating direction, before the others run once.
  const jobs = options.cases.flatMap((c) => {
    const listed = options.libraries.filter((l) => CASES[c].libraries.includes(l));
    const rounded = listed.filter((l) => ROUNDED.has(l));
    const order = Array.from({ length: options.rounds }, (_, r) => (r % 2 ? [...rounded].reverse() : rounded)
      .map((l) => [c, l, r + 1]));
    return [...order.flat(), ...listed.filter((l) => !ROUNDED.has(l)).map((l) => [c, l, 1])];
  });
  const started = performance.now();
  process.stderr.write(`bench: ${jobs.length} runs (${options.quick ? 'quick' : 'full'}, ${options.rounds} round${options.rounds > 1 ? 's' : ''}), ` +
    `load average ${machine.loadAverage.join(' ')}\n`);
  const attempts = new Map();  // "case library" -> the runs of its rounds
  for (const [index, [caseName, library, round]] of jobs.entries()) {
    const key = `${caseName} ${library}`;
    const label = `[${String(index + 1).padStart(2)}/${jobs.length}] ${caseName.padEnd(14)} ${library.padEnd(15)}` +
      `${options.rounds > 1 && ROUNDED.has(library) ? ` r${round}` : ''} ... `;
    const earlier = attempts.get(key) ?? [];
    // A library that cannot run a case (or failed) says so once; rounds would only repeat it.
    if (earlier.some((r) => r.status !== 'ok')) continue;
    const skip = CASES[caseName].skip?.[library];
    if (skip) {
      attempts.set(key, [{ library, case: caseName, status: 'skipped', reason: skip, seconds: 0 }]);
      process.stderr.write(`${label}${skip}\n`);
      continue;
    }
    process.stderr.write(label);
    const run = await runChild(library, caseName, options.quick);
    attempts.set(key, [...earlier, run]);
    const summary = run.status === 'ok'
      ? run.metrics.map((m) => `${formatValue(m.value)} ${m.unit}`).join(', ')
      : run.status === 'error' ? 'ERROR' : `n/a (${run.reason})`;
    process.stderr.write(`${summary} (${run.seconds.toFixed(1)} s)\n`);
    if (run.status === 'error') process.stderr.write(`${run.reason.replace(/^/gm, '    ')}\n`);
  }
  const runs = [...attempts.values()].map(mergeRounds);
  const totalSeconds = (performance.now() - started) / 1000;
  const notes = [];
  const rows = buildRows(runs, options, notes);
  console.log(`\nsimdnn vs TensorFlow.js and ConvNetJS (${options.quick ? 'quick' : 'full'} run, ${totalSeconds.toFixed(0)} s; ` +
    `${machine.cpu}, ${machine.cores} cores, node ${machine.node})\n`);
  console.log(renderTable(rows, options));
  if (notes.length) console.log(`\n${notes.map((n, i) => `[${i + 1}] ${n}`).join('\n')}`);
  console.log('- = not run: tfjs-wasm+patch only where tfjs-wasm lacks a kernel; convnetjs only for LeNet-5.');
  if (options.libraries.includes(BASELINE) && options.libraries.length > 1) {
    console.log('\nratio = how many times faster simdnn is than the peer (> 1: simdnn faster; ' +
      'for ms/call it is peer time / simdnn time); "simdnn-2t gain" = how many times faster the threaded ' +
      'build with 2 threads is than simdnn on 1. Medians of repeated timed calls after warm-up' +
      (options.rounds > 1 ? `; simdnn and TF.js WASM: the median of ${options.rounds} interleaved rounds.` : '.'));
  }
  // Download size is tracked next to speed, so a flag that buys one at the cost of the other shows.
  let moduleSize = null;
  try {
    moduleSize = distSizes();
    const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
    console.log(`\nsimdnn download: simdnn.wasm ${kb(moduleSize.wasm.gzip)} gzip -9 (${kb(moduleSize.wasm.raw)} raw, ` +
      `target <= ${kb(moduleSize.gzipTarget)} gzip), simdnn.mjs ${kb(moduleSize.glue.gzip)} gzip -9`);
  } catch (error) {
    console.log(`\nsimdnn download: n/a (${error.message})`);
  }
  await mkdir(path.dirname(options.out), { recursive: true });
  const report = { createdAt: new Date().toISOString(), quick: options.quick, rounds: options.rounds, machine, totalSeconds, moduleSize,
    rows: rows.map(({ cells, ...row }) => row), runs };
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
  const shown = path.relative(process.cwd(), options.out);
  process.stderr.write(`bench: wrote ${shown.startsWith('..') ? options.out : shown}\n`);
  if (runs.some((r) => r.status === 'error')) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
});
