// nn.callbacks.* and nn.schedules.*: each callback's trigger conditions, and exact resumption
// of training from model files (optimizer state) and from BackupAndRestore after a crash.
// The training data is real: the first MNIST digits of data/mnist (npm run prepare-data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadNN } from './helpers.js';

const nn = await loadNN();
const scratch = await mkdtemp(join(tmpdir(), 'simdnn-callbacks-'));
test.after(() => rm(scratch, { recursive: true, force: true }));
const fileUrl = (...parts) => pathToFileURL(join(scratch, ...parts)).href;
// Checkpoint patterns keep their {fields}: pathToFileURL would percent-encode the braces.
const patternUrl = (...parts) => `file://${join(scratch, ...parts)}`;

async function mnist(count) {
  const dir = new URL('../../data/mnist/', import.meta.url);
  const images = new Uint8Array(await readFile(new URL('train-images.u8', dir)));
  const labels = new Uint8Array(await readFile(new URL('train-labels.u8', dir)));
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[i] / 255;
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) y[i * 10 + labels[i]] = 1;
  return { x: nn.tensor(x, [count, 784]), y: nn.tensor(y, [count, 10]) };
}
const data = await mnist(240);

// A small MNIST classifier with dropout: resumption must restore the random state too.
function classifier(optimizer) {
  const model = nn.sequential({ layers: [
    nn.layers.dense({ units: 24, activation: 'relu', inputShape: [784] }),
    nn.layers.dropout({ rate: 0.25 }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function weightsOf(model) {
  return model.getWeights().map((w) => { const d = w.dataSync(); w.dispose(); return d; });
}

function recordRates(model, rates) {
  return { onEpochEnd: () => { rates.push(model.optimizer.learningRate); } };
}

test('schedules give the Keras formula values and drive an optimizer per step', async () => {
  const exp = nn.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  for (const step of [0, 3, 10, 25]) assert.ok(Math.abs(exp.value(step) - 0.1 * 0.5 ** (step / 10)) < 1e-15);
  const stair = nn.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  assert.equal(stair.value(19), 0.05);
  const piece = nn.schedules.piecewiseConstantDecay({ boundaries: [2, 4], values: [0.3, 0.2, 0.1] });
  assert.deepEqual([0, 2, 3, 4, 5].map((s) => piece.value(s)), [0.3, 0.3, 0.2, 0.2, 0.1]);
  const cosine = nn.schedules.cosineDecay({ initialLearningRate: 2, decaySteps: 8, alpha: 0.25 });
  for (const step of [0, 2, 4, 8, 12]) {
    const keras = 2 * (0.75 * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, 8) / 8)) + 0.25);
    assert.ok(Math.abs(cosine.value(step) - keras) < 1e-12, `cosine at ${step}`);
  }
  assert.deepEqual(piece.toJSON(), { class_name: 'PiecewiseConstantDecay', config: { boundaries: [2, 4], values: [0.3, 0.2, 0.1], name: 'PiecewiseConstant' } });
  assert.throws(() => nn.schedules.cosineDecay({ initialLearningRate: 1 }), /CosineDecay.*decay_steps/);
  assert.throws(() => exp.value(-1), /step must be an integer >= 0/);

  const optimizer = nn.optimizers.sgd(piece);
  const model = classifier(optimizer);
  await model.fit(data.x, data.y, { epochs: 1, batchSize: 48 });  // 5 steps
  assert.equal(optimizer.iterations, 5);
  assert.equal(optimizer.learningRate, Math.fround(0.1));
  assert.deepEqual(optimizer.getConfig().learning_rate, piece.toJSON());
  assert.throws(() => { optimizer.learningRate = 0.5; }, /cannot be set/);
  model.dispose();
  for (const s of [exp, stair, piece, cosine]) s.dispose();
});

test('reduceLROnPlateau reduces after patience, waits out the cooldown and stops at minLr', async () => {
  nn.setSeed(12);
  const model = nn.sequential({ layers: [nn.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: nn.optimizers.sgd(1.5), loss: 'mse' });  // diverges at every rate used
  const x = nn.tensor([[1], [2], [3], [4]]);
  const y = nn.tensor([[2], [4], [6], [8]]);
  const rates = [];
  await model.fit(x, y, { epochs: 5, batchSize: 2, callbacks: [
    nn.callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, cooldown: 1, minLr: 0.2 }),
    recordRates(model, rates),
  ] });
  // epoch 0 sets the best; 1 reduces; 2 is cooldown (no count) then counts; 3 reduces to the floor.
  assert.deepEqual(rates, [1.5, 0.75, 0.375, 0.2, 0.2].map(Math.fround));
  assert.throws(() => nn.callbacks.reduceLROnPlateau({ factor: 2 }), /ReduceLROnPlateau: factor must be in \[0, 1\)/);
  assert.throws(() => nn.callbacks.reduceLROnPlateau({ patince: 2 }), /ReduceLROnPlateau.*patince/);
  x.dispose();
  y.dispose();
  model.dispose();
});

test('learningRateScheduler takes a JS function (epoch, lr) or an engine schedule', async () => {
  const model = classifier(nn.optimizers.sgd(0.1));
  const rates = [];
  const seen = [];
  await model.fit(data.x, data.y, { epochs: 3, batchSize: 120, callbacks: [
    nn.callbacks.learningRateScheduler((epoch, lr) => { seen.push(lr); return epoch < 1 ? lr : lr / 2; }),
    recordRates(model, rates),
  ] });
  assert.deepEqual(rates, [0.1, 0.05, 0.025].map(Math.fround));
  assert.deepEqual(seen, [0.1, 0.1, 0.05].map(Math.fround));
  const schedule = nn.schedules.exponentialDecay({ initialLearningRate: 0.2, decaySteps: 1, decayRate: 0.1 });
  rates.length = 0;
  await model.fit(data.x, data.y, { epochs: 3, batchSize: 120, callbacks: [nn.callbacks.learningRateScheduler(schedule), recordRates(model, rates)] });
  assert.deepEqual(rates, [0.2, 0.02, 0.002].map(Math.fround));
  await assert.rejects(model.fit(data.x, data.y, { epochs: 1, callbacks: [nn.callbacks.learningRateScheduler(() => 'fast')] }),
    /learningRateScheduler: the schedule returned string fast for epoch 0/);
  schedule.dispose();
  model.dispose();
});

test('terminateOnNaN stops in the middle of the epoch at the first non-finite loss', async () => {
  // Inputs of 1e6 with a learning rate of 1: the weight grows ~1e12-fold per step, so the loss
  // is finite for batches 0 and 1 and overflows in batch 2 (of 5).
  nn.setSeed(2);
  const model = nn.sequential({ layers: [nn.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: nn.optimizers.sgd(1), loss: 'mse' });
  const x = nn.tensor(new Float32Array(10).fill(1e6), [10, 1]);
  const y = nn.tensor(new Float32Array(10), [10, 1]);
  const batches = [];
  const history = await model.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, callbacks: [
    nn.callbacks.terminateOnNaN(), { onBatchEnd: (b, logs) => batches.push([b, logs.loss]) },
  ] });
  assert.deepEqual(batches.map(([b]) => b), [0, 1, 2]);
  assert.ok(Number.isFinite(batches[1][1]) && !Number.isFinite(batches[2][1]));
  assert.equal(history.epoch.length, 1);
  x.dispose();
  y.dispose();
  model.dispose();
});

test('modelCheckpoint saveBestOnly writes the improving epochs, formatted, and they load back', async () => {
  nn.setSeed(5);
  const model = classifier(nn.optimizers.adam(0.003));
  const history = await model.fit(data.x, data.y, { epochs: 6, batchSize: 32, validationSplit: 0.25, callbacks: [
    nn.callbacks.modelCheckpoint({ filepath: patternUrl('best', 'e{epoch:02d}-{val_loss:.4f}'), monitor: 'val_loss', saveBestOnly: true }),
  ] });
  const valLoss = history.history.val_loss;
  const expected = [];
  let best = Infinity;
  valLoss.forEach((v, e) => { if (v < best) { best = v; expected.push(`e${String(e + 1).padStart(2, '0')}-${v.toFixed(4)}`); } });
  assert.deepEqual((await readdir(join(scratch, 'best'))).sort(), expected);
  assert.ok(expected.length >= 2, `improved ${expected.length} times`);
  // The best checkpoint is the model as it was at that epoch: it scores that epoch's val_loss.
  const loaded = await nn.loadModel(fileUrl('best', expected.at(-1)));
  assert.ok(loaded.optimizer, 'a full checkpoint loads compiled');
  const valX = nn.tensor(data.x.dataSync().slice(180 * 784), [60, 784]);
  const valY = nn.tensor(data.y.dataSync().slice(1800), [60, 10]);
  const score = loaded.evaluate(valX, valY, { batchSize: 32 });
  assert.ok(Math.abs(score.loss - best) < 1e-6, `${score.loss} vs ${best}`);

  // mode max on accuracy, to an IO handler, weights only.
  const saved = [];
  const handler = { save: async (artifacts) => { saved.push(artifacts); } };
  const accHistory = await model.fit(data.x, data.y, { epochs: 4, batchSize: 32, validationSplit: 0.25, callbacks: [
    nn.callbacks.modelCheckpoint({ filepath: handler, monitor: 'val_accuracy', mode: 'max', saveBestOnly: true, saveWeightsOnly: true }),
  ] });
  let bestAcc = -Infinity;
  const improvements = accHistory.history.val_accuracy.filter((v) => (v > bestAcc ? ((bestAcc = v), true) : false)).length;
  assert.equal(saved.length, improvements);
  assert.ok(saved.every((a) => a.modelJson.trainingConfig === undefined && a.weights instanceof Uint8Array));
  await assert.rejects(model.fit(data.x, data.y, { epochs: 1, callbacks: [nn.callbacks.modelCheckpoint({ filepath: patternUrl('x-{val_loss}') })] }),
    /ModelCheckpoint: filepath .* uses '\{val_loss\}', which is not in the logs/);
  for (const t of [valX, valY]) t.dispose();
  loaded.dispose();
  model.dispose();
});

test('csvLogger writes a sorted header and the logs of every epoch; append adds rows only', async () => {
  const model = classifier(nn.optimizers.adam(0.003));
  const file = join(scratch, 'logs', 'training.csv');
  const h1 = await model.fit(data.x, data.y, { epochs: 2, batchSize: 60, validationSplit: 0.25, callbacks: [nn.callbacks.csvLogger({ filename: file })] });
  const h2 = await model.fit(data.x, data.y, { epochs: 1, batchSize: 60, validationSplit: 0.25, callbacks: [nn.callbacks.csvLogger({ filename: file, append: true })] });
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  assert.equal(lines[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
  assert.equal(lines.length, 4);
  const rows = [h1, h1, h2].map((h, i) => [i < 2 ? i : 0, ...['accuracy', 'loss', 'val_accuracy', 'val_loss'].map((k) => h.history[k][i < 2 ? i : 0])]);
  lines.slice(1).forEach((line, i) => assert.deepEqual(line.split(',').map(Number), rows[i]));
  await model.fit(data.x, data.y, { epochs: 1, batchSize: 60, callbacks: [nn.callbacks.csvLogger({ filename: file, separator: ';' })] });
  const rewritten = (await readFile(file, 'utf8')).trimEnd().split('\n');
  assert.equal(rewritten.length, 2, 'without append the file starts over');
  assert.equal(rewritten[0], 'epoch;accuracy;loss');
  model.dispose();
});

test('progressBar prints Keras-style epoch lines in a script', async () => {
  const model = classifier(nn.optimizers.adam(0.003));
  const printed = [];
  const original = console.log;
  console.log = (line) => printed.push(line);  // node --test: stdout is not a TTY, so only finished lines
  try {
    await model.fit(data.x, data.y, { epochs: 2, batchSize: 60, callbacks: [nn.callbacks.progressBar()] });
  } finally {
    console.log = original;
  }
  assert.equal(printed.length, 4);
  assert.equal(printed[0], 'Epoch 1/2');
  assert.match(printed[1], /^4\/4 \[={30}\] - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
  assert.equal(printed[2], 'Epoch 2/2');
  model.dispose();
});

test('training resumed from saved files with the optimizer state gives bitwise-equal weights', async () => {
  for (const makeOptimizer of [() => nn.optimizers.adam(0.003), () => nn.optimizers.rmsprop({ learningRate: 0.002, momentum: 0.5 }),
    () => nn.optimizers.momentum(0.05, 0.9, true)]) {
    const fitOptions = { batchSize: 32, validationSplit: 0.25 };
    nn.setSeed(31);
    const straight = classifier(makeOptimizer());
    await straight.fit(data.x, data.y, { ...fitOptions, epochs: 4 });

    nn.setSeed(31);
    const first = classifier(makeOptimizer());
    await first.fit(data.x, data.y, { ...fitOptions, epochs: 2 });
    const dir = fileUrl(`resume-${first.optimizer.getClassName()}-${Date.now()}`);
    await first.save(dir, { includeOptimizer: true });
    const json = JSON.parse(await readFile(new URL('model.json', `${dir}/`), 'utf8'));
    assert.equal(json.weightsManifest[0].weights.filter((w) => w.group === 'optimizer')[0].name, 'iter');
    assert.equal(json.trainingConfig.optimizer_config.class_name, first.optimizer.getClassName());

    nn.setSeed(1234);  // whatever the fresh process would do: the files decide
    const resumed = await nn.loadModel(dir);
    assert.equal(resumed.optimizer.iterations, first.optimizer.iterations);
    await resumed.fit(data.x, data.y, { ...fitOptions, epochs: 4, initialEpoch: 2 });
    assert.deepEqual(weightsOf(resumed), weightsOf(straight), `${first.optimizer.getClassName()} resumed exactly`);

    // Without the optimizer state the same resumption drifts: the test can tell.
    const plainDir = `${dir}-plain`;
    await first.save(plainDir);
    const plain = await nn.loadModel(plainDir);
    assert.equal(plain.optimizer, null);
    plain.compile({ optimizer: makeOptimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await plain.fit(data.x, data.y, { ...fitOptions, epochs: 4, initialEpoch: 2 });
    assert.notDeepEqual(weightsOf(plain), weightsOf(straight));
    for (const m of [straight, first, resumed, plain]) m.dispose();
  }
});

test('backupAndRestore resumes a crashed fit from the last completed epoch with its history', async () => {
  const fitOptions = { epochs: 5, batchSize: 32, validationSplit: 0.25 };
  nn.setSeed(44);
  const straight = classifier(nn.optimizers.adam(0.003));
  const expected = await straight.fit(data.x, data.y, fitOptions);

  const backupDir = fileUrl('backup');
  nn.setSeed(44);
  const crashing = classifier(nn.optimizers.adam(0.003));
  const crash = { onEpochEnd: (epoch) => { if (epoch === 2) throw new Error('simulated crash'); } };
  await assert.rejects(crashing.fit(data.x, data.y, { ...fitOptions, callbacks: [nn.callbacks.backupAndRestore({ backupDir }), crash] }), /simulated crash/);
  const backup = JSON.parse(await readFile(join(scratch, 'backup', 'model.json'), 'utf8'));
  assert.equal(backup.userDefinedMetadata.simdnn.backup.epoch, 2);
  crashing.dispose();

  nn.setSeed(7);  // "after the reload": a new model with other initial weights
  const fresh = classifier(nn.optimizers.adam(0.003));
  const epochsRun = [];
  const history = await fresh.fit(data.x, data.y, { ...fitOptions, callbacks: [
    nn.callbacks.backupAndRestore({ backupDir }), { onEpochBegin: (e) => epochsRun.push(e) },
  ] });
  assert.deepEqual(epochsRun, [3, 4]);
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4]);
  assert.deepEqual(history.history, expected.history);
  assert.deepEqual(weightsOf(fresh), weightsOf(straight));
  await assert.rejects(stat(join(scratch, 'backup')), { code: 'ENOENT' }, 'a completed fit deletes its backup');
  assert.throws(() => nn.callbacks.backupAndRestore({}), /backupDir must be a URL string or a handler/);
  straight.dispose();
  fresh.dispose();
});

test('backupAndRestore works through an IO handler (the route for browser storage)', async () => {
  const fitOptions = { epochs: 3, batchSize: 48 };
  nn.setSeed(9);
  const straight = classifier(nn.optimizers.rmsprop(0.002));
  await straight.fit(data.x, data.y, fitOptions);

  let stored = null;
  let removed = 0;
  const handler = {
    save: (artifacts) => { stored = structuredClone(artifacts); },
    load: () => stored,
    remove: () => { stored = null; removed++; },
  };
  nn.setSeed(9);
  const crashing = classifier(nn.optimizers.rmsprop(0.002));
  const crash = { onBatchEnd: (b) => { if (crashing._epochs === 1 && b === 2) throw new Error('tab closed'); },
    onEpochBegin: (e) => { crashing._epochs = e; } };
  await assert.rejects(crashing.fit(data.x, data.y, { ...fitOptions, callbacks: [nn.callbacks.backupAndRestore({ backupDir: handler }), crash] }), /tab closed/);
  assert.equal(stored.modelJson.userDefinedMetadata.simdnn.backup.epoch, 0, 'the crash in epoch 1 leaves the backup of epoch 0');
  crashing.dispose();

  const fresh = classifier(nn.optimizers.rmsprop(0.002));
  const history = await fresh.fit(data.x, data.y, { ...fitOptions, callbacks: [nn.callbacks.backupAndRestore({ backupDir: handler })] });
  assert.deepEqual(history.epoch, [0, 1, 2]);
  assert.deepEqual(weightsOf(fresh), weightsOf(straight));
  assert.equal(removed, 1);
  assert.equal(stored, null);
  straight.dispose();
  fresh.dispose();
});

test('modelCheckpoint saveFreq N saves after every N-th batch across epochs, with {batch} in the path', async () => {
  nn.setSeed(7);
  const model = classifier(nn.optimizers.adam(0.003));
  // 240 samples, batch 32: 8 batches per epoch (the last one of 16), 3 epochs = 24 batches.
  const batchLosses = [];
  await model.fit(data.x, data.y, { epochs: 3, batchSize: 32, shuffle: false, callbacks: [
    nn.callbacks.modelCheckpoint({ filepath: patternUrl('freq', 'e{epoch}-b{batch:02d}-{loss:.5f}'), monitor: 'loss', saveFreq: 5 }),
    { onBatchEnd: (batch, logs) => { batchLosses.push(logs.loss); } },
  ] });
  // Saves after global batches 5, 10, 15, 20: epoch 1 batch 5, epoch 2 batches 2 and 7, epoch 3 batch 4.
  const expected = [[1, 5, 4], [2, 2, 9], [2, 7, 14], [3, 4, 19]].map(([e, b, i]) => `e${e}-b${String(b).padStart(2, '0')}-${batchLosses[i].toFixed(5)}`);
  assert.deepEqual((await readdir(join(scratch, 'freq'))).sort(), expected.sort());

  // saveBestOnly on batch logs: a save only when that batch's loss beats the best so far.
  const saved = [];
  const losses = [];
  await model.fit(data.x, data.y, { epochs: 2, batchSize: 32, callbacks: [
    nn.callbacks.modelCheckpoint({ filepath: { save: async (a) => { saved.push(a); } }, monitor: 'loss', saveBestOnly: true, saveFreq: 3 }),
    { onBatchEnd: (batch, logs) => { losses.push(logs.loss); } },
  ] });
  let best = Infinity;
  const improvements = losses.filter((_, i) => (i + 1) % 3 === 0).filter((v) => (v < best ? ((best = v), true) : false)).length;
  assert.equal(saved.length, improvements);
  assert.ok(improvements >= 1);
  for (const bad of [0, -2, 1.5, 'batch', null]) {
    if (bad === null) continue;
    assert.throws(() => nn.callbacks.modelCheckpoint({ filepath: patternUrl('x'), saveFreq: bad }), /save_?[fF]req.*'epoch' or a positive integer/);
  }
  model.dispose();
});
