import { caseRelatedStreams, caseStreamId, type EventEnvelope } from '#contracts';
import { DomainError } from '#domain';
import type { SqlExecutor } from '../database/sql-executor.js';
import { eventHash } from '../event-hash.js';
import { EVENT_COLUMNS, rowToEnvelope, type EventRow } from '../event-row.js';
import type { ReadCursor } from '../event-store.js';
import { sealedAfterAnchor, sealedAfterAnchorMessage, type SealedBy } from './bundle-anchor.js';
import { checkpointHash, digestLine, linesDigest, loadCheckpoints, loadLines, parseLines, type LedgerCheckpoint } from './ledger-checkpoint.js';
import { compareCursor, formatCursor } from './ledger-cursor.js';

export const BUNDLE_FORMAT = 'signaalroute-ledger-bundle/1';
export const CASE_BUNDLE_FORMAT = 'signaalroute-case-bundle/1';

/** An event as exported: its envelope (with hash and position) and the transaction that wrote it (its place in commit order). */
export type BundledEvent = EventEnvelope & { transactionId: string };

/** A checkpoint as exported; `lines` only for the checkpoints whose range holds an event of the bundle. */
export type BundledCheckpoint = LedgerCheckpoint & { lines?: string };

/**
 * Everything a third party needs to check a stream's history without access to the system: the events,
 * and for each the checkpoint that sealed it with the full list of (cursor, hash) lines of its range —
 * other streams' events appear there only as hashes — plus the whole checkpoint chain from the first to the
 * head, so it can be held to any checkpoint hash recorded elsewhere. An anchor proves the events sealed at or before
 * its checkpoint: one recorded after the export (the head) proves them all; an older one also shows the chain was
 * not rewritten before it.
 */
export interface LedgerBundle {
  format: typeof BUNDLE_FORMAT;
  streamId: string;
  exportedAt: string;
  events: BundledEvent[];
  checkpoints: BundledCheckpoint[];
  /** The newest checkpoint when exported; compare with a head hash obtained independently. */
  head: { seq: number; hash: string } | null;
  howToVerify: string;
}

/** One stream of a case bundle: its id and all its events, version 1 first. */
export interface BundledStream {
  streamId: string;
  events: BundledEvent[];
}

/**
 * A case's full history: the case stream first, then every referral and escalation stream the case's own events
 * opened (what was disclosed to which table and to the police, and what they did), all sealed by ONE checkpoint
 * chain — `lines` for every checkpoint whose range holds an event of any of the streams.
 */
export interface CaseBundle {
  format: typeof CASE_BUNDLE_FORMAT;
  caseId: string;
  exportedAt: string;
  streams: BundledStream[];
  checkpoints: BundledCheckpoint[];
  head: { seq: number; hash: string } | null;
  howToVerify: string;
}

const HOW_TO_VERIFY_PROOFS = [
  'Event hash: sha256 (hex) of the RFC 8785 canonical JSON of the event without "hash", "position" and "transactionId"; "prevHash" is the previous version\'s hash (null for version 1).',
  'Range lines: one "<transactionId>:<position>:<hash>\\n" per event of the range, in commit order (transactionId, then position); "digest" = sha256 (hex) of the lines.',
  'Checkpoint hash: sha256 (hex) of the RFC 8785 canonical JSON of {seq, from, to, eventCount, digest, prevCheckpointHash, createdAt}; each checkpoint\'s prevCheckpointHash is the previous checkpoint\'s hash.',
  'Every event must appear, with its hash, in the lines of the checkpoint whose range (from, to] holds its (transactionId, position); compare the head hash with one published independently.',
  'An anchor (a checkpoint hash obtained independently) vouches for its checkpoint and, through prevCheckpointHash, every earlier one, never for a later one: an event sealed by a checkpoint after the newest anchor is not proven by it, and fails verification unless accepted explicitly (--allow-unsealed). Hold a bundle to a head recorded after the export.',
  'An event after the newest checkpoint is proven by nothing but its stream chain: it fails verification unless accepted explicitly (--allow-unsealed).',
];
const HOW_TO_VERIFY_OFFLINE = 'Offline: npm run audit -- verify-bundle <file> [--anchor <seq>:<hash>] [--allow-unsealed]';

const HOW_TO_VERIFY = [
  ...HOW_TO_VERIFY_PROOFS,
  'What a bundle proves: its events were in the ledger, unaltered, in this order. Range lines do not name their stream, so it cannot prove the stream had no later versions than the bundle holds.',
  HOW_TO_VERIFY_OFFLINE,
].join('\n');

const CASE_HOW_TO_VERIFY = [
  'Streams: the first is the case stream "case-<caseId>"; each holds versions 1, 2, 3, … of its stream, and every stream is checked as below against the one shared checkpoint chain.',
  ...HOW_TO_VERIFY_PROOFS,
  'Related streams: each other stream must be named by the case\'s own events — "referral-<referralId>" by a CaseReferred event (payload.referralId), "escalation-<escalationIdFor(id)>" by any case event — and its first event\'s causationId must be that case event\'s id. escalationIdFor(id): h = sha256 (hex) of "escalation:<id>"; h[0,8) "-" h[8,12) "-5" h[13,16) "-" hex((int(h[16,18]) & 0x3f) | 0x80) h[18,20) "-" h[20,32).',
  'What a case bundle proves: every event in it was in the ledger, unaltered, in this order, and every stream in it belongs to the case. It cannot prove that the case has no other related streams than those its own events name, that a named stream left out never existed (most named escalation streams never do), nor that a stream had no later versions than the bundle holds (range lines do not name their stream).',
  HOW_TO_VERIFY_OFFLINE,
].join('\n');

/**
 * The newest of a bundle's events that its checkpoint chain does not seal yet, or null when the chain seals them all:
 * what an export asks the checkpointer to seal through before it exports again.
 */
export function newestUnsealed(events: readonly BundledEvent[], checkpoints: readonly LedgerCheckpoint[]): ReadCursor | null {
  const sealedTo = checkpoints[checkpoints.length - 1]?.to ?? null;
  let newest: ReadCursor | null = null;
  for (const e of events) {
    const cursor = { transactionId: e.transactionId, position: e.position };
    if (sealedTo !== null && compareCursor(cursor, sealedTo) <= 0) continue;
    if (newest === null || compareCursor(cursor, newest) > 0) newest = cursor;
  }
  return newest;
}

/** Thrown by `exportStreamBundle` for a stream without events. */
export class StreamNotFoundError extends DomainError {
  constructor(streamId: string) {
    super('STREAM.NOT_FOUND', 'No events in this stream', { streamId });
  }
}

/** Thrown by `exportCaseBundle` for a case without events. */
export class CaseBundleNotFoundError extends DomainError {
  constructor(caseId: string) {
    super('CASE.NOT_FOUND', 'No such case', { caseId });
  }
}

const toBundled = (row: EventRow): BundledEvent => ({ ...rowToEnvelope(row), transactionId: row.transaction_id });

/** Builds the bundle of one stream from the events table and the checkpoint chain. */
export async function exportStreamBundle(db: SqlExecutor, streamId: string, now: Date = new Date()): Promise<LedgerBundle> {
  const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY events.stream_version`, [streamId]);
  if (r.rows.length === 0) throw new StreamNotFoundError(streamId);
  const events = r.rows.map(toBundled);
  const { checkpoints, head } = await sealingChain(db, events);
  return { format: BUNDLE_FORMAT, streamId, exportedAt: now.toISOString(), events, checkpoints, head, howToVerify: HOW_TO_VERIFY };
}

/**
 * Builds the bundle of a case: its stream, then the referral and escalation streams its own events opened (found by
 * the stream ids those events name, in one query on the events' unique (stream_id, stream_version) index — never by
 * scanning for causation ids), in the order of the case events that opened them, sealed by one checkpoint chain.
 */
export async function exportCaseBundle(db: SqlExecutor, caseId: string, now: Date = new Date()): Promise<CaseBundle> {
  const caseStream = caseStreamId(caseId);
  const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY events.stream_version`, [caseStream]);
  if (r.rows.length === 0) throw new CaseBundleNotFoundError(caseId);
  const caseEvents = r.rows.map(toBundled);
  const named = caseRelatedStreams(caseEvents).map((s) => s.streamId);
  const related = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY events.stream_id, events.stream_version`, [named]);
  const byStream = new Map<string, BundledEvent[]>();
  for (const row of related.rows) {
    const events = byStream.get(row.stream_id) ?? [];
    events.push(toBundled(row));
    byStream.set(row.stream_id, events);
  }
  const streams: BundledStream[] = [{ streamId: caseStream, events: caseEvents }];
  for (const streamId of named) {
    const events = byStream.get(streamId);
    if (events) streams.push({ streamId, events });
  }
  const { checkpoints, head } = await sealingChain(db, streams.flatMap((s) => s.events));
  return { format: CASE_BUNDLE_FORMAT, caseId, exportedAt: now.toISOString(), streams, checkpoints, head, howToVerify: CASE_HOW_TO_VERIFY };
}

/**
 * The whole checkpoint chain (a checkpoint's header is some 300 bytes: an anchor recorded at any time before is in
 * it), with the lines of every checkpoint whose range holds one of `events`, and its head.
 */
async function sealingChain(db: SqlExecutor, events: readonly BundledEvent[]): Promise<{ checkpoints: BundledCheckpoint[]; head: { seq: number; hash: string } | null }> {
  const all = await loadCheckpoints(db);
  const covering = new Set<number>();
  for (const e of events) {
    const index = rangeIndex(all, { transactionId: e.transactionId, position: e.position });
    if (index < all.length) covering.add(all[index]!.seq);
  }
  const chain: BundledCheckpoint[] = all;
  for (const seq of covering) {
    const lines = await loadLines(db, seq, seq);
    const c = chain.find((x) => x.seq === seq)!;
    c.lines = lines.get(seq);
  }
  const head = all[all.length - 1];
  return { checkpoints: chain, head: head ? { seq: head.seq, hash: head.checkpointHash } : null };
}

/** Index of the first checkpoint whose range ends at or after `cursor` (checkpoints.length when none does). */
function rangeIndex(checkpoints: readonly LedgerCheckpoint[], cursor: ReadCursor): number {
  let lo = 0;
  let hi = checkpoints.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareCursor(checkpoints[mid]!.to, cursor) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Why a bundle fails, one stable code per kind of finding `verifyBundle` makes (and two for the file itself,
 * which `npm run audit -- verify-bundle` reports before the bundle can be read). The messages may change; the
 * codes do not. In a case bundle every message about an event names its stream.
 */
export const BUNDLE_PROBLEMS = {
  'BUNDLE.UNREADABLE': 'the file cannot be read',
  'BUNDLE.NOT_JSON': 'the file is not JSON (cut off, or not a bundle at all)',
  'BUNDLE.FORMAT_UNKNOWN': `the JSON is not a ${BUNDLE_FORMAT} or ${CASE_BUNDLE_FORMAT} bundle`,
  'BUNDLE.MALFORMED': 'a required field is missing or of the wrong kind: the bundle, a stream, an event, a checkpoint or its lines',
  'BUNDLE.STREAM_MISMATCH': "an event belongs to another stream than the bundle's (or than the case bundle's stream that holds it)",
  'BUNDLE.STREAM_NOT_OF_CASE': "a stream of a case bundle is not one the case's own events name (the referral of a CaseReferred, the escalation of a case event), or its first event was not caused by that case event",
  'BUNDLE.VERSION_GAP': 'the stream versions do not run 1, 2, 3, …: an event is missing or out of order',
  'BUNDLE.HASH_MISMATCH': "an event's content does not give its hash: it was edited",
  'BUNDLE.PREV_HASH_MISMATCH': "an event's prevHash is not the previous event's hash: an event was replaced",
  'BUNDLE.CHECKPOINT_CHAIN_BROKEN': 'the checkpoints are not consecutive, do not seal their predecessor, or their ranges do not join',
  'BUNDLE.CHECKPOINT_HASH_MISMATCH': "a checkpoint's fields do not give its hash",
  'BUNDLE.CHECKPOINT_LINES_MISMATCH': "a checkpoint's lines do not give its digest, count or range: the list of sealed events was altered",
  'BUNDLE.PROOF_MISSING': 'an event lies in no checkpoint of the bundle, or the lines of the checkpoint that covers it are left out',
  'BUNDLE.SEAL_MISMATCH': 'an event is not in the lines of the checkpoint that covers it with this hash and place: altered, moved or added after sealing',
  'BUNDLE.EVENTS_UNSEALED': 'events lie after the newest checkpoint, which nothing proves (accept them with --allow-unsealed)',
  'BUNDLE.ANCHOR_NOT_IN_BUNDLE': 'a checkpoint named by --anchor is not in the bundle',
  'BUNDLE.ANCHOR_MISMATCH': "the bundle's checkpoint hash differs from the anchor: the chain was rewritten",
  'BUNDLE.SEALED_AFTER_ANCHOR': 'an event is sealed by a checkpoint after the newest --anchor, which the anchor does not vouch for (verify with an anchor at or after that checkpoint, or accept such events with --allow-unsealed)',
} as const;

export type BundleProblemCode = keyof typeof BUNDLE_PROBLEMS;

/** One finding: its stable code and a message that locates it. */
export interface BundleProblem {
  code: BundleProblemCode;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  /** The code of the first (most fundamental) problem; null when ok. */
  code: BundleProblemCode | null;
  /** The bundle's stream; for a case bundle the case stream. */
  streamId: string | null;
  /** Events in the bundle (of all its streams). */
  events: number;
  /** Events proven to sit in a sealed range. */
  sealedEvents: number;
  /** Events after the bundle's newest checkpoint: only their stream chain vouches for them. */
  unsealedEvents: number;
  /** Of the sealed events, those sealed by a checkpoint after the newest anchor, which no anchor vouches for (0 without anchors). */
  sealedAfterAnchorEvents: number;
  head: { seq: number; hash: string } | null;
  /** Every problem found, most fundamental first; empty when ok. */
  problems: BundleProblem[];
  /** Case bundles only: the case. */
  caseId?: string | null;
  /** Case bundles only: each stream with its number of events, the case stream first. */
  streams?: { streamId: string; events: number }[];
}

const DECIMAL = /^(0|[1-9]\d{0,19})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const isCursor = (v: unknown): v is ReadCursor =>
  typeof v === 'object' && v !== null && DECIMAL.test(String((v as ReadCursor).transactionId)) && DECIMAL.test(String((v as ReadCursor).position));

type Report = (code: BundleProblemCode, message: string) => void;
type Anchor = { seq: number; hash: string };
/** `allowUnsealed`: accept events nothing independent proves — after the newest checkpoint, or sealed after the newest anchor — counting them. */
type VerifyOptions = { allowUnsealed?: boolean };

/**
 * Verifies a bundle offline — a stream bundle (`signaalroute-ledger-bundle/1`) or a case bundle
 * (`signaalroute-case-bundle/1`, see `verifyCaseBundle`), told apart by `format`: the shape, every event's hash and
 * its stream chain, every included checkpoint's hash, lines and digest, the chain from the first included
 * checkpoint to the head, and that each event sits with its hash in the lines of the checkpoint that sealed it.
 * `anchors` are checkpoint hashes obtained independently (e.g. published by the organisation); without one, a
 * forger could build a whole new chain. The newest anchor is the trusted head: an event sealed by a later checkpoint
 * is `BUNDLE.SEALED_AFTER_ANCHOR` (see `bundle-anchor.ts`).
 */
export function verifyBundle(input: unknown, anchors: readonly Anchor[] = [], options: VerifyOptions = {}): BundleVerification {
  if (typeof input === 'object' && input !== null && (input as { format?: unknown }).format === CASE_BUNDLE_FORMAT) return verifyCaseBundle(input, anchors, options);
  const problems: BundleProblem[] = [];
  const problem: Report = (code, message) => void problems.push({ code, message });
  const b = input as Partial<LedgerBundle> | null;
  const streamId = typeof b?.streamId === 'string' ? b.streamId : null;
  if (typeof b !== 'object' || b === null || b.format !== BUNDLE_FORMAT) {
    problem('BUNDLE.FORMAT_UNKNOWN', `not a ${BUNDLE_FORMAT} bundle`);
    return { ok: false, code: problems[0]!.code, streamId, events: 0, sealedEvents: 0, unsealedEvents: 0, sealedAfterAnchorEvents: 0, head: null, problems };
  }
  if (typeof b.streamId !== 'string' || !Array.isArray(b.events) || b.events.length === 0 || !Array.isArray(b.checkpoints)) {
    problem('BUNDLE.MALFORMED', 'the bundle needs a streamId, at least one event and a checkpoints list');
    return { ok: false, code: problems[0]!.code, streamId, events: 0, sealedEvents: 0, unsealedEvents: 0, sealedAfterAnchorEvents: 0, head: null, problems };
  }
  checkStreamChain(b.streamId, b.events, '', problem);
  const proof = checkProofs([{ prefix: '', events: b.events }], b.checkpoints, anchors, options, problem);
  return { ok: problems.length === 0, code: problems[0]?.code ?? null, streamId, events: b.events.length, ...proof, problems };
}

/**
 * Verifies a case bundle offline: every stream exactly as a stream bundle is verified (its chain, and each event in
 * the lines of the checkpoint that sealed it, against the one shared chain and the anchors), and that every stream
 * after the case stream is one the case's own events name, opened by that very event. Every problem about an event
 * names its stream. It cannot tell that a stream is missing (a named stream need not exist) or cut short.
 */
export function verifyCaseBundle(input: unknown, anchors: readonly Anchor[] = [], options: VerifyOptions = {}): BundleVerification {
  const problems: BundleProblem[] = [];
  const problem: Report = (code, message) => void problems.push({ code, message });
  const b = input as Partial<CaseBundle> | null;
  const caseId = typeof b?.caseId === 'string' ? b.caseId : null;
  const failed = (): BundleVerification => ({ ok: false, code: problems[0]!.code, streamId: caseId === null ? null : caseStreamId(caseId), events: 0, sealedEvents: 0, unsealedEvents: 0, sealedAfterAnchorEvents: 0, head: null, problems, caseId, streams: [] });
  if (typeof b !== 'object' || b === null || b.format !== CASE_BUNDLE_FORMAT) {
    problem('BUNDLE.FORMAT_UNKNOWN', `not a ${CASE_BUNDLE_FORMAT} bundle`);
    return failed();
  }
  if (caseId === null || !Array.isArray(b.streams) || b.streams.length === 0 || !Array.isArray(b.checkpoints)) {
    problem('BUNDLE.MALFORMED', 'the case bundle needs a caseId, at least one stream and a checkpoints list');
    return failed();
  }
  const streams = b.streams as unknown[];
  const seen = new Set<string>();
  for (const [i, s] of streams.entries()) {
    const stream = s as Partial<BundledStream> | null;
    if (typeof stream !== 'object' || stream === null || typeof stream.streamId !== 'string' || !Array.isArray(stream.events) || stream.events.length === 0) {
      problem('BUNDLE.MALFORMED', `stream ${i + 1}: needs a streamId and at least one event`);
    } else if (seen.has(stream.streamId)) {
      problem('BUNDLE.MALFORMED', `stream ${stream.streamId}: appears more than once`);
    } else {
      seen.add(stream.streamId);
    }
  }
  if (problems.length > 0) return failed();
  const valid = streams as BundledStream[];
  if (valid[0]!.streamId !== caseStreamId(caseId)) {
    problem('BUNDLE.MALFORMED', `the first stream is ${valid[0]!.streamId}, not the case stream ${caseStreamId(caseId)}`);
    return failed();
  }

  for (const s of valid) checkStreamChain(s.streamId, s.events, `stream ${s.streamId}, `, problem);
  checkCaseRelations(valid, problem);
  const proof = checkProofs(valid.map((s) => ({ prefix: `stream ${s.streamId}, `, events: s.events })), b.checkpoints, anchors, options, problem);
  return {
    ok: problems.length === 0,
    code: problems[0]?.code ?? null,
    streamId: caseStreamId(caseId),
    events: valid.reduce((n, s) => n + s.events.length, 0),
    ...proof,
    problems,
    caseId,
    streams: valid.map((s) => ({ streamId: s.streamId, events: s.events.length })),
  };
}

/** A stream's chain: versions 1..n, each hash recomputed, each prevHash the previous hash. `prefix` names the stream in messages (a case bundle's). */
function checkStreamChain(streamId: string, events: readonly BundledEvent[], prefix: string, problem: Report): void {
  let prev: BundledEvent | null = null;
  for (const [i, e] of events.entries()) {
    const where = `${prefix}event ${i + 1}`;
    if (typeof e !== 'object' || e === null || !DECIMAL.test(String(e.position)) || !DECIMAL.test(String(e.transactionId)) || typeof e.hash !== 'string') {
      problem('BUNDLE.MALFORMED', `${where}: malformed (needs position, transactionId and hash)`);
      continue;
    }
    if (e.streamId !== streamId) problem('BUNDLE.STREAM_MISMATCH', `${where} (position ${e.position}): belongs to stream ${String(e.streamId)}, not ${streamId}`);
    if (e.streamVersion !== i + 1) problem('BUNDLE.VERSION_GAP', `${where} (position ${e.position}): version ${String(e.streamVersion)} where ${i + 1} was expected — an event is missing or out of order`);
    const { hash, position: _position, transactionId: _transactionId, ...hashed } = e;
    let actual: string;
    try {
      actual = eventHash(hashed);
    } catch {
      actual = 'none (the event cannot be canonicalised)';
    }
    if (actual !== hash) problem('BUNDLE.HASH_MISMATCH', `${where} (position ${e.position}): content does not give its hash: expected ${hash}, got ${actual}`);
    const expectedPrev = prev ? prev.hash : null;
    if (e.prevHash !== expectedPrev) problem('BUNDLE.PREV_HASH_MISMATCH', `${where} (position ${e.position}): prevHash ${String(e.prevHash)} does not seal the previous event (${String(expectedPrev)})`);
    prev = e;
  }
}

/** Every stream after the case stream is named by a case event (`caseRelatedStreams`) and its first event was caused by that event. */
function checkCaseRelations(streams: readonly BundledStream[], problem: Report): void {
  const [caseStream, ...others] = streams;
  const caseEvents = caseStream!.events.filter((e) => typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.type === 'string');
  const named = new Map(caseRelatedStreams(caseEvents).map((s) => [s.streamId, s]));
  for (const s of others) {
    const relation = named.get(s.streamId);
    if (!relation) {
      problem('BUNDLE.STREAM_NOT_OF_CASE', `stream ${s.streamId}: not named by the case's own events (neither the referral of a CaseReferred nor the escalation of a case event)`);
      continue;
    }
    const first = s.events[0];
    const causedBy = typeof first === 'object' && first !== null ? first.causationId : undefined;
    if (causedBy !== relation.causedBy) {
      problem('BUNDLE.STREAM_NOT_OF_CASE', `stream ${s.streamId}: its first event was caused by ${String(causedBy)}, not by the case event ${relation.causedBy} that names this ${relation.kind}`);
    }
  }
}

/**
 * The proofs shared by every stream of a bundle: the checkpoints (consecutive, chained, each hash recomputed, lines
 * matching their digest and range), each event in the lines of the checkpoint whose range holds it, events after
 * the newest checkpoint, the anchors, and events sealed after the newest anchor.
 */
function checkProofs(
  streams: readonly { prefix: string; events: readonly BundledEvent[] }[],
  checkpoints: unknown[],
  anchors: readonly Anchor[],
  options: VerifyOptions,
  problem: Report,
): { sealedEvents: number; unsealedEvents: number; sealedAfterAnchorEvents: number; head: Anchor | null } {
  const cps = checkpoints as BundledCheckpoint[];
  const parsed = new Map<number, Set<string>>();
  for (const [i, c] of cps.entries()) {
    const where = `checkpoint ${String(c?.seq)}`;
    if (typeof c !== 'object' || c === null || !Number.isInteger(c.seq) || !isCursor(c.from) || !isCursor(c.to) || !Number.isInteger(c.eventCount) || !HEX64.test(String(c.digest)) || !HEX64.test(String(c.checkpointHash))) {
      problem('BUNDLE.MALFORMED', `${where}: malformed`);
      continue;
    }
    const before = cps[i - 1];
    if (before) {
      if (c.seq !== before.seq + 1) problem('BUNDLE.CHECKPOINT_CHAIN_BROKEN', `${where}: follows checkpoint ${before.seq}; the chain has a gap`);
      if (c.prevCheckpointHash !== before.checkpointHash) problem('BUNDLE.CHECKPOINT_CHAIN_BROKEN', `${where}: does not seal checkpoint ${before.seq} (prevCheckpointHash ${String(c.prevCheckpointHash)}, expected ${before.checkpointHash})`);
      if (compareCursor(c.from, before.to) !== 0) problem('BUNDLE.CHECKPOINT_CHAIN_BROKEN', `${where}: its range starts at ${formatCursor(c.from)}, not where checkpoint ${before.seq} ended (${formatCursor(before.to)})`);
    }
    const { lines, checkpointHash: stated, ...sealed } = c;
    const recomputed = checkpointHash(sealed);
    if (recomputed !== stated) problem('BUNDLE.CHECKPOINT_HASH_MISMATCH', `${where}: its fields do not give its hash (expected ${stated}, got ${recomputed})`);
    if (lines !== undefined) {
      const entries = typeof lines === 'string' ? parseLines(lines) : null;
      if (entries === null) {
        problem('BUNDLE.MALFORMED', `${where}: malformed lines`);
        continue;
      }
      if (linesDigest(lines) !== c.digest) problem('BUNDLE.CHECKPOINT_LINES_MISMATCH', `${where}: its lines do not give its digest — the list of sealed events was altered`);
      if (entries.length !== c.eventCount) problem('BUNDLE.CHECKPOINT_LINES_MISMATCH', `${where}: ${entries.length} lines for ${c.eventCount} sealed events`);
      let last: ReadCursor = c.from;
      for (const e of entries) {
        if (compareCursor(e, last) <= 0) {
          problem('BUNDLE.CHECKPOINT_LINES_MISMATCH', `${where}: line ${formatCursor(e)} is out of commit order or outside the range`);
          break;
        }
        last = e;
      }
      if (compareCursor(last, c.to) !== 0) problem('BUNDLE.CHECKPOINT_LINES_MISMATCH', `${where}: its lines end at ${formatCursor(last)}, not at the range end ${formatCursor(c.to)}`);
      parsed.set(c.seq, new Set(entries.map((e) => digestLine(e.transactionId, e.position, e.hash))));
    }
  }
  const last = cps[cps.length - 1];
  const head = last && Number.isInteger(last.seq) ? { seq: last.seq, hash: String(last.checkpointHash) } : null;

  // Each event sits, with its hash, in the lines of the checkpoint whose range holds it.
  const sealed: SealedBy[] = [];
  let unsealedEvents = 0;
  for (const { prefix, events } of streams) {
    for (const e of events) {
      if (!DECIMAL.test(String(e?.position)) || !DECIMAL.test(String(e?.transactionId))) continue;
      const where = `${prefix}event at position ${e.position}`;
      const cursor = { transactionId: e.transactionId, position: e.position };
      const c = cps.find((x) => isCursor(x?.from) && isCursor(x?.to) && compareCursor(cursor, x.from) > 0 && compareCursor(cursor, x.to) <= 0);
      if (!c) {
        if (last && isCursor(last.to) && compareCursor(cursor, last.to) > 0) unsealedEvents++;
        else problem('BUNDLE.PROOF_MISSING', `${where}: no checkpoint in the bundle covers ${formatCursor(cursor)}`);
        continue;
      }
      const lines = parsed.get(c.seq);
      if (!lines) {
        problem('BUNDLE.PROOF_MISSING', `${where}: checkpoint ${c.seq} covers it but its lines are not in the bundle`);
      } else if (!lines.has(digestLine(e.transactionId, e.position, e.hash))) {
        problem('BUNDLE.SEAL_MISMATCH', `${where}: not sealed by checkpoint ${c.seq} with this hash and place — it was altered, moved or added after sealing`);
      } else {
        sealed.push({ where, checkpointSeq: c.seq });
      }
    }
  }

  // An event placed after the newest checkpoint is vouched for by its stream chain alone, which a forger recomputes
  // at will: unless the caller accepts that, it is a problem.
  if (unsealedEvents > 0 && options.allowUnsealed !== true) {
    problem(
      'BUNDLE.EVENTS_UNSEALED',
      `${unsealedEvents} event(s) lie after the newest checkpoint and are not sealed by any checkpoint in the bundle: nothing proves them (export again once they are sealed, or accept them with --allow-unsealed)`,
    );
  }

  // Anchors obtained elsewhere.
  for (const a of anchors) {
    const c = cps.find((x) => x?.seq === a.seq);
    if (!c) problem('BUNDLE.ANCHOR_NOT_IN_BUNDLE', `anchor ${a.seq}:${a.hash}: checkpoint ${a.seq} is not in the bundle`);
    else if (c.checkpointHash !== a.hash) problem('BUNDLE.ANCHOR_MISMATCH', `anchor ${a.seq}: the bundle's checkpoint hash ${c.checkpointHash} differs from the anchor ${a.hash}`);
  }

  // An anchor vouches for no checkpoint after its own: what they seal is, to the anchor, as unproven as an unsealed event.
  const afterAnchor = sealedAfterAnchor(sealed, anchors);
  if (afterAnchor !== null && options.allowUnsealed !== true) problem('BUNDLE.SEALED_AFTER_ANCHOR', sealedAfterAnchorMessage(afterAnchor));
  return { sealedEvents: sealed.length, unsealedEvents, sealedAfterAnchorEvents: afterAnchor?.count ?? 0, head };
}
