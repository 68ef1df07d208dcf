// Worker side of resuming a fit() run: what an epoch backup written by
// nn.callbacks.backupAndRestore holds (read without restoring it) and its removal. fit()
// restores the backup itself when it starts with the same callback URL.

// {epoch (the last finished, 0-based), history: [{epoch, logs}]} or null when none is stored.
export async function readBackup(nn, url) {
  const files = await nn.io.handler(url).load();
  const backup = files?.modelJson?.userDefinedMetadata?.simdnn?.backup;
  if (!backup) return null;
  const history = backup.history.epochs.map((epoch, i) => ({ epoch, logs: Object.fromEntries(backup.history.logs[i]) }));
  return { epoch: backup.epoch, history };
}

export async function discardBackup(nn, url) {
  await nn.io.handler(url).remove();
}

// The worker handlers every fit-based page exposes for its interrupted run's backup at url
// (spread into the worker's handler object); engine: the worker's load() promise.
export function backupHandlers(engine, url) {
  return {
    async pendingBackup() { return readBackup(await engine, url); },
    async discardBackup() { await discardBackup(await engine, url); },
  };
}

// Model files for "Save model" / export, with the page's settings alongside the engine's own
// metadata (TF.js keeps userDefinedMetadata untouched), so loading can rebuild the same page.
export async function modelFilesWithSettings(model, settings) {
  const files = await model.save(undefined, { includeOptimizer: true });
  files.modelJson.userDefinedMetadata = { ...files.modelJson.userDefinedMetadata, demo: settings };
  return files;
}

// The page settings stored by modelFilesWithSettings, or null for files from elsewhere.
export function settingsOf(files) {
  const json = typeof files.modelJson === 'string' ? JSON.parse(files.modelJson) : files.modelJson;
  return json?.userDefinedMetadata?.demo ?? null;
}
