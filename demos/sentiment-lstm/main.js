// Sentiment page: the text box scored on every keystroke (inference worker), word
// contributions, and in-page training (training worker) with live charts. This file only draws
// and forwards; all engine work happens in the workers.
import { WorkerHost } from '../../web/worker-host.js';
import { LineChart } from '../shared/charts.js';
import { downloadModelFiles, readChosenModelFiles } from '../shared/model-files.js';
import { RunRecord, drawHistory, findInterruptedRun } from '../shared/resume.js';
import { ARCHITECTURES } from './architectures.js';

const $ = (id) => document.getElementById(id);
const EXAMPLES = [
  'This movie was a masterpiece, beautifully acted and deeply moving.',
  'A dull, lifeless film. I want my two hours back.',
  'not good',
  'good but boring',
  'I expected it to be terrible, but it was wonderful.',
  'The acting was great, the plot was awful and the ending made no sense.',
];
const inference = new WorkerHost(new URL('./infer-worker.js', import.meta.url));
const training = new WorkerHost(new URL('./train-worker.js', import.meta.url));
const lossChart = new LineChart($('loss-chart'), { title: 'loss', xLabel: 'epoch' });
const accChart = new LineChart($('acc-chart'), { title: 'accuracy', yMax: 1, xLabel: 'epoch' });
// Read by the browser test: the latest score for the latest text, keystroke timings, training.
const state = { ready: false, text: '', score: null, latencies: [], batches: [], training: false, paused: false,
  hasModel: false, trainedModel: false, epochs: [], epochLogs: [] };
window.sentimentDemo = state;
// The run in progress (model settings, epochs to reach), so a reloaded tab can rebuild the
// model and resume from the training worker's indexeddb backup.
const RUN = new RunRecord('simdnn/sentiment-demo/run');

function status(text) { $('status').textContent = text; }

// --- scoring as you type ---------------------------------------------------------------------
let requestSerial = 0;
let explainTimer = 0;

function showScore(score) {
  $('meter-fill').style.left = `calc(${(score * 100).toFixed(1)}% - 2px)`;
  $('verdict').textContent = score >= 0.5 ? 'Positive' : 'Negative';
  $('verdict').style.color = score >= 0.5 ? '#2e7d32' : '#c62828';
  $('score').textContent = `${(score * 100).toFixed(1)}% positive`;
}

function showWords(words) {
  const container = $('words');
  container.replaceChildren();
  const scale = Math.max(0.5, ...words.map((w) => Math.abs(w.contribution)));
  for (const { word, oov, change, contribution } of words) {
    const span = document.createElement('span');
    span.textContent = word;
    const strength = Math.min(1, Math.abs(contribution) / scale);
    const color = contribution >= 0 ? '46, 125, 50' : '198, 40, 40';
    span.style.background = `rgba(${color}, ${(0.6 * strength).toFixed(3)})`;
    span.title = oov ? 'not in the vocabulary'
      : `${contribution >= 0 ? '+' : ''}${contribution.toFixed(2)} log-odds (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} points)`;
    if (oov) span.className = 'oov';
    container.append(span, ' ');
  }
}

async function rescore() {
  const text = $('text').value;
  const serial = ++requestSerial;
  const model = $('scorer').value;
  const keystroke = performance.now();
  if (!text.trim()) {
    state.text = text;
    state.score = null;
    $('verdict').textContent = '–';
    $('score').textContent = '';
    $('words').replaceChildren();
    return;
  }
  try {
    const result = await inference.call('score', { text, model });
    state.latencies.push({ engine: result.milliseconds, roundTrip: performance.now() - keystroke });
    if (serial !== requestSerial) return;  // a newer keystroke is on its way
    state.text = text;
    state.score = result.score;
    showScore(result.score);
    $('latency').textContent = `${result.milliseconds.toFixed(2)} ms in the engine, ${result.tokens} words`;
  } catch (error) {
    status(`Scoring failed: ${error.message}`);
    return;
  }
  clearTimeout(explainTimer);
  explainTimer = setTimeout(async () => {
    if (serial !== requestSerial) return;
    const explained = await inference.call('explain', { text, model }).catch(() => null);
    if (explained && serial === requestSerial) showWords(explained.words);
  }, 120);
}

$('text').addEventListener('input', rescore);
const modelInfo = {};  // per scorer: its size and how many words it reads
$('scorer').addEventListener('change', () => {
  $('model-info').textContent = modelInfo[$('scorer').value] ?? '';
  rescore();
});
for (const example of EXAMPLES) {
  const button = document.createElement('button');
  button.textContent = example.length > 40 ? `${example.slice(0, 38)}…` : example;
  button.title = example;
  button.addEventListener('click', () => { $('text').value = example; rescore(); });
  $('examples').append(button);
}

// --- training in the page ----------------------------------------------------------------------
for (const [key, { label }] of Object.entries(ARCHITECTURES)) $('architecture').append(new Option(label, key));
$('architecture').append(new Option('Fine-tune the shipped model', 'shipped'));

function setButtons() {
  $('train').disabled = state.training || !state.ready;
  $('pause').disabled = !state.training;
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  for (const id of ['reset', 'architecture', 'reviews', 'maxlen', 'save-model', 'load-model', 'export', 'import']) {
    $(id).disabled = state.training;
  }
}

const numberOf = (id) => Number($(id).value);

async function forgetInterruptedRun() {
  if ($('resume-training').hidden) return;
  // A new model replaces the interrupted run: its backup would not fit.
  $('resume-training').hidden = true;
  RUN.forget();
  await training.call('discardBackup');
}

async function build() {
  await forgetInterruptedRun();
  status('Loading reviews and building the model…');
  lossChart.clear();
  accChart.clear();
  const { summary, params, maxlen } = await training.call('build', {
    architecture: $('architecture').value, reviews: numberOf('reviews'), maxlen: numberOf('maxlen'),
  });
  $('maxlen').value = maxlen;
  state.hasModel = true;
  state.epochsDone = 0;
  $('summary').textContent = summary;
  status(`Built ${$('architecture').selectedOptions[0].textContent}: ${params.toLocaleString()} parameters`);
}

training.on('batch', ({ epoch, batch, batchesPerEpoch, loss, accuracy, samplesPerSecond }) => {
  const x = epoch + (batch + 1) / batchesPerEpoch;
  state.batches.push({ batch, loss, accuracy });
  lossChart.push('train (batch)', x, loss);
  accChart.push('train (batch)', x, accuracy);
  $('progress').value = (batch + 1) / batchesPerEpoch;
  $('throughput').textContent = `${Math.round(samplesPerSecond).toLocaleString()} reviews/s · batch ${batch + 1}/${batchesPerEpoch}`;
});

// Sent after the epoch's backup is in indexeddb (fit writes it before the epoch's callbacks).
training.on('epoch', ({ epoch, logs, test }) => {
  state.epochsDone = epoch + 1;
  state.epochLogs.push({ epoch, logs });
  state.epochs.push(test);
  lossChart.push('held-out', epoch + 1, test.loss);
  accChart.push('held-out', epoch + 1, test.accuracy);
  $('test-accuracy').textContent = `Epoch ${epoch + 1}: ${(test.accuracy * 100).toFixed(1)}% on 1,000 held-out test reviews`;
});

training.on('paused', (paused) => { state.paused = paused; setButtons(); });

async function useTrainedModel() {
  const { modelJson, weights } = await training.call('exportModel');
  const { params } = await inference.call('useModel', { name: 'trained', modelJson, weights });
  modelInfo.trained = `(${params.toLocaleString()} parameters, the last ${numberOf('maxlen')} words)`;
  if (!state.trainedModel) $('scorer').append(new Option('the model trained here', 'trained'));
  state.trainedModel = true;
  $('scorer').value = 'trained';
  $('model-info').textContent = modelInfo.trained;
  rescore();
}

async function train(resume = null) {
  state.training = true;
  $('resume-training').hidden = true;
  setButtons();
  try {
    if (!state.hasModel) await build();
    status(resume ? `Resuming after epoch ${resume.epochsDone} of ${resume.totalEpochs}…` : 'Training…');
    const run = resume ?? { architecture: $('architecture').value, reviews: numberOf('reviews'), maxlen: numberOf('maxlen'),
      batchSize: numberOf('batch'), learningRate: numberOf('lr'), totalEpochs: state.epochsDone + numberOf('epochs') };
    RUN.remember(run);
    const { stopped, historyEpochs } = await training.call('train', resume
      ? { totalEpochs: run.totalEpochs, batchSize: run.batchSize, learningRate: run.learningRate }
      : { epochs: numberOf('epochs'), batchSize: run.batchSize, learningRate: run.learningRate });
    RUN.forget();
    state.historyEpochs = historyEpochs;
    await useTrainedModel();
    status(stopped ? 'Stopped; typing uses the model as trained so far.' : `Trained ${state.epochsDone} epoch(s); type to try it.`);
  } catch (error) {
    status(`Training failed: ${error.message}`);
  } finally {
    state.training = false;
    state.paused = false;
    setButtons();
  }
}
$('train').addEventListener('click', () => train());

// An interrupted run (tab closed or reloaded mid-training): rebuild its model, redraw its
// history and offer to continue after the last backed-up epoch.
async function offerResume() {
  const found = await findInterruptedRun(training, RUN);
  if (!found) return;
  const { run, backup } = found;
  $('architecture').value = run.architecture;
  $('reviews').value = String(run.reviews);
  $('maxlen').value = String(run.maxlen);
  $('batch').value = String(run.batchSize);
  $('lr').value = String(run.learningRate);
  await build();
  drawHistory(backup.history, [[lossChart, 'train (batch)', 'loss'], [accChart, 'train (batch)', 'accuracy']]);
  state.restoredHistory = backup.history;
  state.epochsDone = backup.epoch + 1;
  const resume = { ...run, epochsDone: state.epochsDone };
  $('epochs').value = String(run.totalEpochs - resume.epochsDone);  // what Resume will still train
  $('resume-training').hidden = false;
  $('resume-training').onclick = () => train(resume);
  status(`Interrupted training found: ${resume.epochsDone} of ${run.totalEpochs} epochs done. Press Resume training.`);
}

// Save / load the trained model: in this browser (indexeddb) or as files. A loaded model
// becomes the one typing uses, and the one Train continues.
async function whileIdle(action) {
  $('train').disabled = true;
  try {
    await forgetInterruptedRun();
    await action();
  } catch (error) {
    status(error.message);
  } finally {
    setButtons();
  }
}
async function loaded(result, from) {
  lossChart.clear();
  accChart.clear();
  state.hasModel = true;
  state.epochsDone = result.epochsDone;
  if ([...$('architecture').options].some((o) => o.value === result.settings.architecture)) $('architecture').value = result.settings.architecture;
  $('reviews').value = String(result.settings.reviews);
  $('maxlen').value = String(result.settings.maxlen);
  $('summary').textContent = result.summary;
  await useTrainedModel();
  status(`Loaded ${from}: ${result.params.toLocaleString()} parameters, trained ${result.epochsDone} epoch(s); type to try it.`);
}
$('save-model').addEventListener('click', () => whileIdle(async () => {
  const { saved, epochsDone } = await training.call('saveModel', { toBrowser: true });
  status(`Saved the model (${epochsDone} epochs) in this browser at ${saved}.`);
}));
$('load-model').addEventListener('click', () => whileIdle(async () => {
  status('Loading the saved model…');
  await loaded(await training.call('loadModel', { reviews: numberOf('reviews') }), 'the model saved in this browser');
}));
$('export').addEventListener('click', () => whileIdle(async () => {
  await downloadModelFiles(await training.call('saveModel'), 'sentiment-model');
  status('Exported sentiment-model.json and sentiment-model.weights.bin.');
}));
$('import').addEventListener('change', (event) => whileIdle(async () => {
  const { modelJson, weights, name } = await readChosenModelFiles(event.target.files);
  status(`Importing ${name}…`);
  await loaded(await training.call('loadModel', { modelJson, weights, reviews: numberOf('reviews') }, [weights]), name);
}));

$('pause').addEventListener('click', () => training.call(state.paused ? 'resume' : 'pause'));
$('reset').addEventListener('click', async () => {
  state.hasModel = false;
  try { await build(); } catch (error) { status(`Reset failed: ${error.message}`); }
});
$('architecture').addEventListener('change', () => { state.hasModel = false; });
$('reviews').addEventListener('change', () => { state.hasModel = false; });
$('maxlen').addEventListener('change', () => { state.hasModel = false; });

for (const host of [inference, training]) host.on('error', ({ message }) => status(message));

(async () => {
  try {
    const info = await inference.call('info');
    modelInfo.shipped = `(${info.params.toLocaleString()} parameters, the last ${info.maxlen} words)`;
    $('model-info').textContent = modelInfo.shipped;
    state.ready = true;
    status('Ready. Type above, or train a model here.');
    setButtons();
    $('text').value = EXAMPLES[0];
    rescore();
  } catch (error) {
    status(`Could not load the shipped model: ${error.message}`);
    return;
  }
  await offerResume().catch((error) => status(`Could not restore the interrupted run: ${error.message}`));
})();
