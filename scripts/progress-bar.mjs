// A terminal progress bar for Node scripts: `bar.update(done, total, suffix)`, then `bar.done()`.
export function progressBar(label, { stream = process.stderr, width = 28 } = {}) {
  let lastDraw = 0;
  const interactive = stream.isTTY;
  return {
    update(done, total, suffix = '') {
      const now = Date.now();
      if (done < total && now - lastDraw < (interactive ? 100 : 2000)) return;
      lastDraw = now;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(fraction * width);
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${suffix}`;
      stream.write(interactive ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done(message = '') {
      stream.write(interactive ? `\r\x1b[K${label} ${message}\n` : `${label} ${message}\n`);
    },
  };
}
