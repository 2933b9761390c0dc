/** A progress bar on stderr, drawn only when stderr is a terminal and at most ten times a second. */
export function progressBar(total: number, label: string): { update(done: number): void; finish(): void } {
  const stream = process.stderr;
  if (!stream.isTTY || total <= 0) return { update() {}, finish() {} };
  let last = 0;
  const draw = (done: number) => {
    const share = Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(share * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}%`);
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    finish() {
      draw(total);
      stream.write('\n');
    },
  };
}
