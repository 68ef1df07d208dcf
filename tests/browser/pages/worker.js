// Module worker: loads the engine through web/load.js, calls it, and reports back.
import { loadModule } from '../../../web/load.js';

try {
  const started = performance.now();
  const engine = await loadModule();
  const loadMs = performance.now() - started;
  let thrown;
  try {
    engine.throwForTest('from the worker');
  } catch (error) {
    thrown = error;
  }
  postMessage({
    ok: true,
    version: engine.version(),
    versionAfterError: engine.version(),
    loadMs,
    errorName: thrown?.constructor?.name,
    errorMessage: thrown?.message,
    crossOriginIsolated: self.crossOriginIsolated,
  });
} catch (error) {
  postMessage({ ok: false, error: String(error?.stack ?? error) });
}
