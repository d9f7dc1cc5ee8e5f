const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8;

/**
 * Splits PostgreSQL's binary COPY output (`COPY … TO STDOUT (FORMAT binary)`) into rows as the chunks
 * arrive, without copying field bytes: for each row `onRow` gets the buffer and, in `start`/`length`, where
 * each field lies in it (length -1 for NULL). The buffer is only valid during the call.
 */
export class BinaryCopyRows {
  readonly start: Int32Array;
  readonly length: Int32Array;
  private pending: Buffer | null = null;
  private headerRead = false;
  private ended = false;

  constructor(
    private readonly columns: number,
    private readonly onRow: (buf: Buffer) => void,
  ) {
    this.start = new Int32Array(columns);
    this.length = new Int32Array(columns);
  }

  push(chunk: Buffer): void {
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    if (!this.headerRead) {
      if (buf.length < HEADER) {
        this.pending = buf;
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      if (buf.readInt32BE(SIGNATURE.length + 4) !== 0) throw new Error('binary COPY header extensions are not supported');
      at = HEADER;
      this.headerRead = true;
    }
    const { start, length, columns } = this;
    while (buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== columns) throw new Error(`binary COPY row with ${fields} fields, expected ${columns}`);
      let p = at + 2;
      let complete = true;
      for (let i = 0; i < columns; i++) {
        if (buf.length - p < 4) {
          complete = false;
          break;
        }
        const n = buf.readInt32BE(p);
        p += 4;
        start[i] = p;
        length[i] = n;
        if (n > 0) p += n;
      }
      if (!complete || p > buf.length) break;
      this.onRow(buf);
      at = p;
    }
    this.pending = at < buf.length ? buf.subarray(at) : null;
  }

  /** Throws unless the stream ended with its trailer and nothing after it. */
  end(): void {
    if (!this.ended || this.pending !== null) throw new Error('binary COPY stream ended early');
  }
}
