import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import type { NewEvent } from '#contracts';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  BINARY_EVENT_COLUMNS,
  BinaryCopyRows,
  canonicalJson,
  canonicalJsonFromJsonbText,
  COL,
  copyEventsStatement,
  envelopeHashOfBinaryRow,
  EventStore,
  fastHashOfRow,
  LEDGER_EVENT_COLUMNS,
  type LedgerEventRow,
  writeCanonicalJsonb,
} from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

/**
 * The verifier rebuilds each event's canonical JSON from text columns instead of `rowToEnvelope` +
 * `canonicalize`. It must give exactly the text `eventHash` hashed at append — for any strings (quotes,
 * backslashes, control characters, astral planes), any JSON payload (integer-like and `__proto__` keys,
 * -0, 1e21, tiny doubles), nulls and timestamps of any year 1–9999.
 */

const jcs = canonicalize as unknown as (v: unknown) => string;
/** Text PostgreSQL can store: no NUL, no lone surrogates. */
const storable = (s: string) => !s.includes('\u0000') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter(storable);
const key = fc.oneof(text, fc.constantFrom('__proto__', '10', '2', 'a', 'B', 'constructor', ''));
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 1e21, 5e-324, 9007199254740993, 1.5, true, false, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;
const payload = fc.dictionary(key, json, { maxKeys: 8 }).map((p) => JSON.parse(JSON.stringify(p)) as Record<string, unknown>);

const newEvent: fc.Arbitrary<NewEvent> = fc.record({
  id: fc.uuid(),
  type: text,
  version: fc.integer({ min: 1, max: 1000 }),
  occurredAt: fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  municipality: fc.option(text, { nil: null }),
  actor: fc.record({ id: text, role: fc.constantFrom('coordinator', 'auditor', 'system' as const) }),
  correlationId: fc.uuid(),
  causationId: fc.option(fc.uuid(), { nil: null }),
  traceparent: fc.option(text, { nil: null }),
  processingActivity: text,
  legalBasis: text,
  specialCategory: fc.boolean(),
  payload,
}) as fc.Arbitrary<NewEvent>;

describe('canonical JSON of parsed values', () => {
  it('equals the canonicalize package for any JSON value', () => {
    fc.assert(fc.property(json, (v) => canonicalJson(JSON.parse(JSON.stringify(v) ?? 'null')) === jcs(JSON.parse(JSON.stringify(v) ?? 'null'))), { numRuns: 2000 });
  });

  it('refuses numbers JSON.parse turned into Infinity instead of writing them as null', () => {
    expect(() => canonicalJson(JSON.parse('{"a":[1e400]}'))).toThrow(RangeError);
  });
});

describe('the verifier hash of a stored row', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.drop());

  it('reads PostgreSQL jsonb text straight into canonical JSON, or declines (never a different text)', async () => {
    const values = fc.sample(json, 2000).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown);
    const r = await t.db.query<{ text: string }>('SELECT v::jsonb::text AS text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i', [values.map((v) => JSON.stringify(v))]);
    let declined = 0;
    for (const [i, row] of r.rows.entries()) {
      const fast = canonicalJsonFromJsonbText(row.text);
      if (fast === null) declined++;
      else expect(fast).toBe(jcs(values[i]));
    }
    expect(declined).toBeLessThan(values.length / 2); // it declines only for unusual numbers
  });

  it('reads jsonb text bytes straight into canonical JSON bytes, or declines (never different bytes)', async () => {
    const values = fc.sample(json, 2000).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown);
    const r = await t.db.query<{ text: string }>('SELECT v::jsonb::text AS text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i', [values.map((v) => JSON.stringify(v))]);
    const out = Buffer.alloc(64 * 1024);
    let declined = 0;
    for (const [i, row] of r.rows.entries()) {
      const source = Buffer.from(` ${row.text}`, 'utf8'); // not at offset 0, as in a COPY row
      const end = writeCanonicalJsonb(source, 1, source.length, out, 3);
      if (end < 0) declined++;
      else expect(out.toString('utf8', 3, end)).toBe(jcs(values[i]));
    }
    // It declines for unusual numbers and for keys with escapes or characters from U+E000 up (common here:
    // the generated keys are arbitrary binary strings), and writes everything else.
    expect(declined).toBeLessThan(values.length * 0.75);
  });

  it('writes an ordinary payload (nested objects, arrays, integers, booleans, accented text) without declining', async () => {
    const value = { signalId: randomUUID(), n: 1234567, description: 'Café aan de Marktstraat; "stil" \\ gesloten', involved: { name: 'De Hoek', kvkNumber: '10000001' }, indicators: ['a', 'b'], specialCategory: false, z: null, neg: -5, ok: true };
    const r = await t.db.query<{ text: string }>('SELECT $1::jsonb::text AS text', [JSON.stringify(value)]);
    const source = Buffer.from(r.rows[0]!.text, 'utf8');
    const out = Buffer.alloc(4096);
    const end = writeCanonicalJsonb(source, 0, source.length, out, 0);
    expect(end).toBeGreaterThan(0);
    expect(out.toString('utf8', 0, end)).toBe(jcs(value));
  });

  it('equals the hash the event store computed at append, for arbitrary envelopes', async () => {
    const events = fc.sample(newEvent, 300);
    const clockDates = fc.sample(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), events.length);
    for (const [i, e] of events.entries()) {
      const store = new EventStore(t.db, () => clockDates[i]!);
      const stream = i % 3 === 0 ? `s-${randomUUID()}` : `s-"quoted"\\-${i % 7}`;
      await store.append(stream, await store.streamVersion(stream), [e]);
    }
    const rows = (await t.db.query<LedgerEventRow>(`SELECT ${LEDGER_EVENT_COLUMNS} FROM events ORDER BY position`)).rows;
    expect(rows).toHaveLength(events.length);
    const misses = rows.filter((r) => fastHashOfRow(r) !== r.hash).map((r) => ({ position: r.position, payload: r.payload }));
    expect(misses).toEqual([]);
  });

  it('equals the hash at append when rebuilt from the binary COPY stream, for the same arbitrary envelopes', async () => {
    if (!t.url) return; // COPY needs PostgreSQL
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const found: { hash: string; fast: string | null }[] = [];
    try {
      const rows = new BinaryCopyRows(BINARY_EVENT_COLUMNS.length, (buf) => {
        found.push({ hash: buf.toString('utf8', rows.start[COL.hash]!, rows.start[COL.hash]! + rows.length[COL.hash]!), fast: envelopeHashOfBinaryRow(buf, rows.start, rows.length) });
      });
      for await (const chunk of client.query(copyTo(copyEventsStatement({ index: 0, count: 1 })))) rows.push(chunk as Buffer);
      rows.end();
    } finally {
      await client.end();
    }
    expect(found).toHaveLength(300);
    expect(found.filter((f) => f.fast !== f.hash)).toEqual([]);
  });
});
