import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { SqlExecutor } from '../database/sql-executor.js';
import { BinaryCopyRows } from './binary-copy-rows.js';
import { BINARY_EVENT_COLUMNS, COL, envelopeHashOfBinaryRow, int8At, safeInt8At, textAt } from './binary-event-text.js';
import { ChainFindings, checkStreams, reportEditsAt, type ChainScanResult } from './chain-scan.js';

/** One of `count` parts of the streams (by a hash of the stream id): whole streams only. */
export interface StreamPart {
  index: number;
  count: number;
}

/** Where a stream's chain stands after the events seen so far. */
interface StreamHead {
  version: number;
  hash: string;
  transactionId: number;
  position: number;
}

/** The statement that streams the events of one part, in the order the table holds them. */
export function copyEventsStatement(part: StreamPart): string {
  const where = part.count > 1 ? ` WHERE (hashtext(stream_id) & 2147483647) % ${part.count} = ${part.index}` : '';
  return `COPY (SELECT ${BINARY_EVENT_COLUMNS.join(', ')} FROM events${where}) TO STDOUT (FORMAT binary)`;
}

/**
 * Verifies the stream chains of one part of the ledger in one pass over the table: `COPY … TO STDOUT` in
 * binary format (no pages, no row objects, nothing for PostgreSQL to sort or look up in an index), every
 * event's hash recomputed over its canonical envelope.
 *
 * The rows come in the order the table holds them, which for an append-only table is almost always each
 * stream's version order. A stream whose events all arrive in that order — version 1 without a
 * predecessor first, then each next version sealing the hash before it at a later position, in a transaction
 * no older — has an
 * intact chain; every other stream is checked again exactly as `scanChains` does, reading it in
 * (stream_id, stream_version) order, which names each finding. Hashes that do not match are recomputed the
 * reference way before they are called a break. So the pass is only fast, never less strict.
 *
 * `client` must be a connection of its own (the COPY occupies it until the pass ends).
 */
export async function copyScanChains(client: pg.Client, part: StreamPart, onProgress?: (events: number) => void, maxFindings = 10_000): Promise<ChainScanResult> {
  const heads = new Map<string, StreamHead>();
  const irregular = new Set<string>();
  const suspects: string[] = [];
  let events = 0;
  const rows = new BinaryCopyRows(BINARY_EVENT_COLUMNS.length, (buf) => {
    const { start, length } = rows;
    events++;
    const streamId = textAt(buf, start[COL.stream_id]!, length[COL.stream_id]!);
    const hash = textAt(buf, start[COL.hash]!, length[COL.hash]!);
    if (!irregular.has(streamId) && length[COL.stream_version] !== 4) {
      // A NULL version (its NOT NULL dropped): the stream is checked the reference way, which names it.
      heads.delete(streamId);
      irregular.add(streamId);
    } else if (!irregular.has(streamId)) {
      const version = buf.readInt32BE(start[COL.stream_version]!);
      const prevHash = length[COL.prev_hash]! < 0 ? null : textAt(buf, start[COL.prev_hash]!, length[COL.prev_hash]!);
      const position = safeInt8At(buf, start[COL.position]!);
      const transactionId = length[COL.transaction_id] === 8 ? safeInt8At(buf, start[COL.transaction_id]!) : null;
      const head = heads.get(streamId);
      if (position === null || transactionId === null) {
        heads.delete(streamId);
        irregular.add(streamId);
      } else if (head === undefined) {
        if (version === 1 && prevHash === null) heads.set(streamId, { version, hash, transactionId, position });
        else irregular.add(streamId);
      } else if (
        version === head.version + 1 &&
        prevHash === head.hash &&
        position > head.position &&
        transactionId >= head.transactionId
      ) {
        head.version = version;
        head.hash = hash;
        head.transactionId = transactionId;
        head.position = position;
      } else {
        heads.delete(streamId);
        irregular.add(streamId);
      }
    }
    let recomputed: string | null;
    try {
      recomputed = envelopeHashOfBinaryRow(buf, start, length);
    } catch {
      recomputed = null;
    }
    if (recomputed !== hash) suspects.push(int8At(buf, start[COL.position]!));
    if ((events & 0x3fff) === 0) onProgress?.(events);
  });
  const stream = client.query(copyTo(copyEventsStatement(part)));
  for await (const chunk of stream) rows.push(chunk as Buffer);
  rows.end();
  onProgress?.(events);

  const db: SqlExecutor = {
    query: async <T>(sql: string, params: unknown[] = []) => {
      const r = await client.query(sql, params);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  };
  const findings = new ChainFindings(maxFindings);
  await checkStreams(db, [...irregular], findings);
  await reportEditsAt(db, suspects, findings);
  return { events, streams: heads.size + irregular.size, findings: findings.list };
}
