import { hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { writeCanonicalJsonb } from './jsonb-canonical-bytes.js';
import { canonicalJsonFromJsonbText } from './jsonb-canonical-text.js';

/**
 * The `events` columns the COPY scan reads, in binary COPY format, and their index in a row. Binary output
 * costs PostgreSQL least (no text rendering of timestamps, ids and numbers) and needs no unescaping.
 */
export const BINARY_EVENT_COLUMNS = [
  'position', 'transaction_id', 'stream_id', 'stream_version', 'prev_hash', 'hash', 'id', 'type', 'schema_version', 'occurred_at', 'recorded_at',
  'municipality', 'actor_id', 'actor_role', 'correlation_id', 'causation_id', 'traceparent', 'processing_activity', 'legal_basis', 'special_category', 'payload',
] as const;

export const COL = Object.fromEntries(BINARY_EVENT_COLUMNS.map((c, i) => [c, i])) as { readonly [K in (typeof BINARY_EVENT_COLUMNS)[number]]: number };

/** Milliseconds from 1970 to PostgreSQL's epoch (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;
/** Appends write instants of the years 1–9999: `toISOString()` gives exactly 24 characters for those. */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_800_000;
const TWO_32 = 4_294_967_296;

/** A field's bytes as text (UTF-8). */
export const textAt = (buf: Buffer, start: number, length: number): string => buf.toString('utf8', start, start + length);

/**
 * A signed 8-byte integer field as a decimal numeral, exactly (bigint and xid8 columns; xid8 never reaches
 * 2^63).
 */
export function int8At(buf: Buffer, start: number): string {
  const hi = buf.readInt32BE(start);
  if (hi >= 0 && hi < 0x200000) return String(hi * TWO_32 + buf.readUInt32BE(start + 4));
  return buf.readBigInt64BE(start).toString();
}

/** An 8-byte integer field as a Number when it is below 2^53, else null. */
export function safeInt8At(buf: Buffer, start: number): number | null {
  const hi = buf.readInt32BE(start);
  return hi >= 0 && hi < 0x200000 ? hi * TWO_32 + buf.readUInt32BE(start + 4) : null;
}

/**
 * A timestamptz field as milliseconds since 1970, or NaN when it is not an instant an append writes
 * (digits below the millisecond, ±infinity, a year outside 1–9999).
 */
export function instantAt(buf: Buffer, start: number): number {
  const hi = buf.readInt32BE(start);
  let ms: number;
  if (hi >= -0x200000 && hi < 0x200000) {
    const micros = hi * TWO_32 + buf.readUInt32BE(start + 4);
    if (micros % 1000 !== 0) return NaN;
    ms = micros / 1000 + PG_EPOCH_MS;
  } else {
    const micros = buf.readBigInt64BE(start);
    if (micros % 1000n !== 0n) return NaN;
    ms = Number(micros / 1000n) + PG_EPOCH_MS;
  }
  return ms >= MIN_MS && ms < MAX_MS ? ms : NaN;
}

/** The envelope's canonical JSON is written here, as UTF-8, then hashed (grown when a row needs more). */
let out = Buffer.allocUnsafe(16 * 1024);
let w = 0;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const piece = (text: string): Buffer => Buffer.from(text, 'latin1');
const P = {
  actor: piece('{"actor":{"id":'), role: piece(',"role":'), causation: piece('},"causationId":'), correlation: piece(',"correlationId":'), id: piece(',"id":'),
  legalBasis: piece(',"legalBasis":'), municipality: piece(',"municipality":'), occurredAt: piece(',"occurredAt":"'), payload: piece('","payload":'),
  prevHash: piece(',"prevHash":'), activity: piece(',"processingActivity":'), recordedAt: piece(',"recordedAt":"'), special: piece('","specialCategory":'),
  streamId: piece(',"streamId":'), streamVersion: piece(',"streamVersion":'), traceparent: piece(',"traceparent":'), type: piece(',"type":'), version: piece(',"version":'),
  null: piece('null'), true: piece('true'), false: piece('false'),
};

function bytes(src: Buffer, start: number, length: number): void {
  if (length > 48) {
    src.copy(out, w, start, start + length);
  } else {
    for (let i = 0; i < length; i++) out[w + i] = src[start + i]!;
  }
  w += length;
}

/**
 * A text field as a JSON string, as `JSON.stringify` writes it: UTF-8 without a quote, a backslash or a
 * control character is copied between quotes as it is (JSON.stringify escapes nothing else in text
 * PostgreSQL can hold); anything else goes through `JSON.stringify`.
 */
function jsonText(src: Buffer, start: number, length: number): void {
  if (length < 0) return bytes(P.null, 0, 4);
  for (let i = start, end = start + length; i < end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === 0x22 || b === 0x5c) {
      w += out.write(JSON.stringify(textAt(src, start, length)), w, 'utf8');
      return;
    }
  }
  out[w++] = 0x22;
  bytes(src, start, length);
  out[w++] = 0x22;
}

/** A uuid field as a JSON string (lower-case, dashed, as PostgreSQL writes it). */
function jsonUuid(src: Buffer, start: number, length: number): void {
  if (length < 0) return bytes(P.null, 0, 4);
  out[w++] = 0x22;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[w++] = 0x2d;
    const b = src[start + i]!;
    out[w++] = HEX[b >> 4]!;
    out[w++] = HEX[b & 15]!;
  }
  out[w++] = 0x22;
}

const ascii = (text: string): void => {
  w += out.write(text, w, 'latin1');
};

function digits(value: number, count: number): void {
  for (let i = count - 1; i >= 0; i--) {
    out[w + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
  w += count;
}

/** `new Date(ms).toISOString()` for the years 1–9999, written as ASCII (civil date from days, H. Hinnant). */
function iso(ms: number): void {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  digits(year, 4);
  out[w++] = 0x2d;
  digits(month, 2);
  out[w++] = 0x2d;
  digits(day, 2);
  out[w++] = 0x54;
  digits(Math.floor(rest / 3_600_000), 2);
  rest %= 3_600_000;
  out[w++] = 0x3a;
  digits(Math.floor(rest / 60_000), 2);
  rest %= 60_000;
  out[w++] = 0x3a;
  digits(Math.floor(rest / 1000), 2);
  out[w++] = 0x2e;
  digits(rest % 1000, 3);
  out[w++] = 0x5a;
}

/**
 * The sha256 (hex) of the RFC 8785 canonical JSON of the envelope a binary COPY row was appended as (minus
 * `hash` and `position`) — the text `eventHash` hashed at append — or null when a timestamp is not in the
 * form appends write. Keys in canonical order, strings as `JSON.stringify` writes them (as the
 * canonicalisation does), the payload put in canonical form from its `jsonb` text bytes (or, where they
 * decline, its text); written straight into one buffer as UTF-8 and hashed there. Like `fastHashOfRow`, a
 * fast path: a hash that does not match is recomputed the reference way before it is called a break.
 */
export function envelopeHashOfBinaryRow(buf: Buffer, start: Int32Array, length: Int32Array): string | null {
  // Fixed-size columns as appends write them; a NULL (length -1: someone dropped a NOT NULL) or another size is
  // left to the reference path, which sees it as it is (read here, it would be the next field's bytes).
  if (length[COL.special_category] !== 1 || length[COL.stream_version] !== 4 || length[COL.schema_version] !== 4) return null;
  if (length[COL.occurred_at] !== 8 || length[COL.recorded_at] !== 8 || length[COL.payload]! < 1) return null;
  const occurredAt = instantAt(buf, start[COL.occurred_at]!);
  const recordedAt = instantAt(buf, start[COL.recorded_at]!);
  if (Number.isNaN(occurredAt) || Number.isNaN(recordedAt)) return null;
  // jsonb's binary form: a version byte (1), then the same text jsonb_out writes.
  const p = start[COL.payload]!;
  if (buf[p] !== 1) return null;
  let textBytes = 0;
  for (let i = 0; i < length.length; i++) if (length[i]! > 0) textBytes += length[i]!;
  const need = 1024 + 6 * textBytes;
  if (out.length < need) out = Buffer.allocUnsafe(2 * need);
  w = 0;
  bytes(P.actor, 0, P.actor.length);
  jsonText(buf, start[COL.actor_id]!, length[COL.actor_id]!);
  bytes(P.role, 0, P.role.length);
  jsonText(buf, start[COL.actor_role]!, length[COL.actor_role]!);
  bytes(P.causation, 0, P.causation.length);
  jsonUuid(buf, start[COL.causation_id]!, length[COL.causation_id]!);
  bytes(P.correlation, 0, P.correlation.length);
  jsonUuid(buf, start[COL.correlation_id]!, length[COL.correlation_id]!);
  bytes(P.id, 0, P.id.length);
  jsonUuid(buf, start[COL.id]!, length[COL.id]!);
  bytes(P.legalBasis, 0, P.legalBasis.length);
  jsonText(buf, start[COL.legal_basis]!, length[COL.legal_basis]!);
  bytes(P.municipality, 0, P.municipality.length);
  jsonText(buf, start[COL.municipality]!, length[COL.municipality]!);
  bytes(P.occurredAt, 0, P.occurredAt.length);
  iso(occurredAt);
  bytes(P.payload, 0, P.payload.length);
  const written = writeCanonicalJsonb(buf, p + 1, p + length[COL.payload]!, out, w);
  if (written >= 0) {
    w = written;
  } else {
    const payloadText = textAt(buf, p + 1, length[COL.payload]! - 1);
    const payload = canonicalJsonFromJsonbText(payloadText) ?? canonicalJson(JSON.parse(payloadText));
    const grown = w + 1024 + 6 * textBytes + 3 * payload.length;
    if (out.length < grown) out = Buffer.concat([out.subarray(0, w)], 2 * grown);
    w += out.write(payload, w, 'utf8');
  }
  bytes(P.prevHash, 0, P.prevHash.length);
  jsonText(buf, start[COL.prev_hash]!, length[COL.prev_hash]!);
  bytes(P.activity, 0, P.activity.length);
  jsonText(buf, start[COL.processing_activity]!, length[COL.processing_activity]!);
  bytes(P.recordedAt, 0, P.recordedAt.length);
  iso(recordedAt);
  bytes(P.special, 0, P.special.length);
  const special = buf[start[COL.special_category]!] === 1 ? P.true : P.false;
  bytes(special, 0, special.length);
  bytes(P.streamId, 0, P.streamId.length);
  jsonText(buf, start[COL.stream_id]!, length[COL.stream_id]!);
  bytes(P.streamVersion, 0, P.streamVersion.length);
  ascii(String(buf.readInt32BE(start[COL.stream_version]!)));
  bytes(P.traceparent, 0, P.traceparent.length);
  jsonText(buf, start[COL.traceparent]!, length[COL.traceparent]!);
  bytes(P.type, 0, P.type.length);
  jsonText(buf, start[COL.type]!, length[COL.type]!);
  bytes(P.version, 0, P.version.length);
  ascii(String(buf.readInt32BE(start[COL.schema_version]!)));
  out[w++] = 0x7d;
  return oneShotHash('sha256', out.subarray(0, w), 'hex');
}
