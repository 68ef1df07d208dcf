// Starts the module worker and shows what it reports; #result[data-status] is what tests wait on.
const result = document.querySelector('#result');

function show(status, text) {
  result.dataset.status = status;
  result.textContent = text;
}

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => {
  window.workerReport = data;
  if (data.ok) {
    show('ok', `simdnn ${data.version} loaded in a worker (${data.loadMs.toFixed(0)} ms); ` +
      `C++ error arrived as: ${data.errorName}: ${data.errorMessage}; ` +
      `crossOriginIsolated: ${data.crossOriginIsolated}`);
  } else {
    console.error(`worker failed: ${data.error}`);
    show('error', `worker failed: ${data.error}`);
  }
};
worker.onerror = (event) => {
  console.error(`worker error: ${event.message}`);
  show('error', `worker error: ${event.message}`);
};
