// Page side of resuming a fit() run after a reload or a crashed worker, shared by the pages
// that train with fit(). While it trains, the page keeps the run's settings in localStorage
// (the architecture to rebuild, the epoch count to reach); the worker backs up every finished
// epoch to its own indexeddb:// key (nn.callbacks.backupAndRestore, see backup.js). Only both
// together are an interrupted run: either one alone is a leftover and is cleared.

export class RunRecord {
  constructor(key) { this.key = key; }
  remember(run) { localStorage.setItem(this.key, JSON.stringify(run)); }
  read() {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? 'null');
    } catch {
      return null;  // a damaged record is no run to resume
    }
  }
  forget() { localStorage.removeItem(this.key); }
}

// {run, backup} when a run was interrupted, else null (leftovers removed). `host` is the
// page's training worker serving pendingBackup/discardBackup.
export async function findInterruptedRun(host, record) {
  const run = record.read();
  const backup = await host.call('pendingBackup');
  if (run && backup) return { run, backup };
  if (backup) await host.call('discardBackup');
  record.forget();
  return null;
}

// Redraws a restored history ([{epoch, logs}]) on the page's charts: each line is
// [chart, series name, logs key]; points sit at the end of their epoch, as the live ones do.
export function drawHistory(history, lines) {
  for (const { epoch, logs } of history) {
    for (const [chart, name, key] of lines) {
      if (Number.isFinite(logs[key])) chart.push(name, epoch + 1, logs[key]);
    }
  }
}
