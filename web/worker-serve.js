// Worker side: serves named functions to a WorkerHost and lets them emit events. A long
// function (training) can pause: `await control.checkpoint()` waits while paused and throws
// a 'stopped' error when stopped; pause()/resume()/stop() arrive as ordinary calls because
// fit() yields to the event loop between batches.
export function serveWorker(handlers) {
  let paused = false;
  let stopRequested = false;
  let resumeWaiters = [];

  const control = {
    emit(event, data, transfer = []) { self.postMessage({ event, data }, transfer); },
    get paused() { return paused; },
    resetStop() { stopRequested = false; },
    async checkpoint() {
      while (paused && !stopRequested) await new Promise((resolve) => resumeWaiters.push(resolve));
      if (stopRequested) throw new Error('stopped');
    },
  };

  const builtins = {
    pause() { paused = true; control.emit('paused', true); },
    resume() {
      paused = false;
      const waiters = resumeWaiters;
      resumeWaiters = [];
      waiters.forEach((w) => w());
      control.emit('paused', false);
    },
    stop() { stopRequested = true; builtins.resume(); },
  };

  self.onmessage = async ({ data: { id, method, args } }) => {
    const handler = builtins[method] ?? handlers[method];
    if (!handler) {
      self.postMessage({ id, error: `unknown worker method '${method}'` });
      return;
    }
    try {
      const result = await handler(args, control);
      self.postMessage({ id, result });
    } catch (error) {
      self.postMessage({ id, error: error?.message ?? String(error) });
    }
  };
  return control;
}
