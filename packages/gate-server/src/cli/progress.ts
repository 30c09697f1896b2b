/**
 * A progress bar on stderr for long CLI work — only on a terminal, so piped or logged output
 * stays clean.
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  return {
    update(done: number) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return; // at most ten redraws a second
      last = now;
      const width = 30;
      const share = total ? Math.min(1, done / total) : 1;
      const filled = Math.round(share * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
