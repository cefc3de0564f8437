/**
 * Per-epoch progress: a redrawn bar on a terminal, plain lines otherwise (CI logs, files).
 */
export interface ProgressLine {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  lr: number;
}

export class Progress {
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr, private readonly silent = false) {
    this.tty = Boolean(out.isTTY);
  }

  update(p: ProgressLine): void {
    if (this.silent || !this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.batch < p.batches) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((p.batch / Math.max(1, p.batches)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.out.write(`\rEpoch ${p.epoch + 1}/${p.epochs} ${bar} ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  lr ${p.lr.toPrecision(3)}   `);
  }

  /** Ends the bar (on a terminal) and prints the epoch summary line. */
  summary(text: string): void {
    if (this.silent) return;
    if (this.tty) this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
  }
}
