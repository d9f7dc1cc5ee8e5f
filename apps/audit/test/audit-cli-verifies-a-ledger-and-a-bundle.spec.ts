import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventHash, EventStore, exportStreamBundle, LedgerCheckpointer, type LedgerBundle } from '#eventstore';
import { anEvent } from '../../../libs/eventstore/test/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { buildProduct, type ProductBuild } from '../../../test/support/product-process.js';
import { runNode, type CommandResult } from '../../../test/support/run-node.js';

/**
 * `npm run audit -- verify` and `npm run audit -- verify-bundle <file>`, run as npm runs them: compiled, in a
 * process of their own, against a real PostgreSQL ledger of 300 events (30 streams of 10, appended round-robin
 * through the event store, sealed every 50 events).
 *
 * verify: exit 0 with the events checked and the rate; after a payload is edited in SQL, exit 1 naming the first
 * broken position and its stream. verify-bundle: exit 0 on an exported stream; exit 1 (3 for a file it cannot
 * read) with a stable `BUNDLE.*` code on stderr and in --json for an edited payload, a re-hashed event, a
 * removed event, a wrong anchor, a file cut off mid-JSON, JSON that is no bundle.
 */

const STREAMS = 30;
const PER_STREAM = 10;
const EVERY = 50;
const TOTAL = STREAMS * PER_STREAM;

let build: ProductBuild;
let t: TestDatabase;
let work: string;
let store: EventStore;
const streams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
let head: { seq: number; hash: string };

/** Waits until `n` events are below the oldest transaction in flight (the checkpointer seals only those). */
async function visibleToCheckpointer(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())');
    if (Number(r.rows[0]!.n) >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${r.rows[0]!.n} of ${n} events became visible`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  build = await buildProduct();
  work = await mkdtemp(path.join(tmpdir(), 'sr-audit-verify-cli-'));
  t = await createTestDatabase();
  if (!t.url) throw new Error('this test runs the CLI in a process of its own: it needs PostgreSQL (the embedded database is the test process\'s)');
  store = new EventStore(t.db);
  for (let v = 0; v < PER_STREAM; v++) {
    for (const s of streams) await store.append(s, v, [anEvent({ payload: { step: v, note: `stap ${v} van ${s}` } })]);
  }
  await visibleToCheckpointer(TOTAL);
  const sealed = await new LedgerCheckpointer(t.db, { every: EVERY }).checkpointOnce({ flush: true });
  expect(sealed.map((c) => c.eventCount)).toEqual(Array(TOTAL / EVERY).fill(EVERY));
  const last = sealed[sealed.length - 1]!;
  head = { seq: last.seq, hash: last.checkpointHash };
}, 240_000);

afterAll(async () => {
  await t?.drop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

/** `npm run audit -- <args>` against the test database, in an empty working folder. */
function audit(args: string[]): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), args, { cwd: work, env: { DATABASE_URL: t.url!, SIGNAALROUTE_DATA_DIR: path.join(work, 'auditor') } });
}

/** `npm run audit -- verify-bundle <file> …` with no database and no data folder at all: it is offline. */
function verifyBundleCli(file: string, ...args: string[]): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), ['verify-bundle', file, ...args], { cwd: work, env: {} });
}

const SUMMARY = /^ledger verified: ([\d,]+) events in ([\d,]+) streams, (\d+) checkpoints \((\d+) events not yet sealed\), ([\d,]+) events\/s$/m;
const num = (s: string) => Number(s.replace(/,/g, ''));

describe('npm run audit -- verify', () => {
  it('verifies the ledger: exit 0, every event checked, the rate and the head checkpoint printed', async () => {
    const run = await audit(['verify', '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(SUMMARY) });
    const [, events, streamCount, checkpoints, unsealed, rate] = SUMMARY.exec(run.stderr)!;
    expect({ events: num(events!), streams: num(streamCount!), checkpoints: Number(checkpoints), unsealed: Number(unsealed) }).toEqual({ events: TOTAL, streams: STREAMS, checkpoints: TOTAL / EVERY, unsealed: 0 });
    expect(num(rate!)).toBeGreaterThan(0);
    expect(run.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash}`);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, eventsChecked: TOTAL, streamsChecked: STREAMS, firstBreak: null, breakCount: 0, eventsPerSecond: num(rate!) });
    // The anchor it printed holds the next time.
    expect((await audit(['verify', '--anchor', `${head.seq}:${head.hash}`])).code).toBe(0);
  });

  it('exits 1 when a payload was edited in SQL, naming the first broken position and its stream', async () => {
    // Two edits, the later one in an earlier stream: the first break is the lower position, whatever the order of the streams.
    const rows = (await t.db.query<{ position: string; stream_id: string; payload: unknown }>(
      'SELECT position::text AS position, stream_id, payload FROM events WHERE (stream_id = $1 AND stream_version = 8) OR (stream_id = $2 AND stream_version = 3) ORDER BY events.position',
      [streams[2], streams[20]],
    )).rows;
    expect(rows.map((r) => r.stream_id)).toEqual([streams[20], streams[2]]);
    const [first, second] = rows as [(typeof rows)[0], (typeof rows)[0]];
    await t.db.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    try {
      for (const r of rows) await t.db.query(`UPDATE events SET payload = jsonb_set(payload, '{note}', '"vervalst"') WHERE position = $1`, [r.position]);
      const run = await audit(['verify']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^LEDGER BROKEN: \d+ finding\(s\) in 300 events in 30 streams/m);
      expect(run.stderr).toMatch(
        new RegExp(`^first break:\\n  kind: +hash-mismatch\\n  position: +${first.position}\\n  stream: +${first.stream_id}\\n  sealed by: checkpoint \\d+\\n  expected: +[0-9a-f]{64}\\n  actual: +[0-9a-f]{64}\\n`, 'm'),
      );
      const json = JSON.parse((await audit(['verify', '--json'])).stdout);
      expect(json).toMatchObject({ ok: false, firstBreak: { kind: 'hash-mismatch', position: first.position, streamId: first.stream_id } });
      expect(json.breaks.map((b: { position: string }) => b.position)).toEqual(expect.arrayContaining([first.position, second.position]));
    } finally {
      for (const r of rows) await t.db.query('UPDATE events SET payload = $2::jsonb WHERE position = $1', [r.position, JSON.stringify(r.payload)]);
      await t.db.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    }
    expect((await audit(['verify'])).code).toBe(0);
  });
});

describe('npm run audit -- verify-bundle <file>', () => {
  let bundle: LedgerBundle;
  let file: string;
  const stream = () => streams[7]!;
  const clone = (): LedgerBundle => JSON.parse(JSON.stringify(bundle));
  const write = async (name: string, content: unknown): Promise<string> => {
    const target = path.join(work, name);
    await writeFile(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return target;
  };

  beforeAll(async () => {
    // What GET /v1/audit/streams/{streamId}/bundle answers (the ledger is sealed already).
    bundle = await exportStreamBundle(t.db, stream());
    expect(bundle.events).toHaveLength(PER_STREAM);
    file = await write('bundle.json', bundle);
  });

  it('verifies an exported stream: exit 0, with and without the recorded head as anchor', async () => {
    const run = await verifyBundleCli(file, '--anchor', `${head.seq}:${head.hash}`);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`bundle verified: stream ${stream()}, ${PER_STREAM} events (${PER_STREAM} sealed by checkpoints, 0 after the newest checkpoint)`) });
    // Held to the anchor given: no advice to pass one.
    expect(run.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash} — held to the --anchor given`);
    expect(run.stderr).not.toContain('or pass --anchor');
    const json = await verifyBundleCli(file, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, code: null, streamId: stream(), events: PER_STREAM, sealedEvents: PER_STREAM, problems: [] });
    expect(json.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash} — compare it with a head hash obtained independently (or pass --anchor)`);
  });

  it('reads a relative file name from the folder the command was typed in (npm runs scripts in the package root)', async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'sr-package-root-'));
    try {
      const run = await runNode(build.entry('scripts/audit'), ['verify-bundle', path.basename(file)], { cwd: elsewhere, env: { INIT_CWD: work } });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`bundle verified: stream ${stream()}`) });
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 1 with BUNDLE.HASH_MISMATCH for a copy with one event payload edited, naming the event', async () => {
    const edited = clone();
    edited.events[4]!.payload = { ...edited.events[4]!.payload, note: 'vervalst' };
    const target = await write('edited.json', edited);
    const run = await verifyBundleCli(target);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^BUNDLE INVALID: 1 problem\\(s\\); first: BUNDLE\\.HASH_MISMATCH: event 5 \\(position ${edited.events[4]!.position}\\): content does not give its hash`, 'm'));
    const json = await verifyBundleCli(target, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'BUNDLE.HASH_MISMATCH', problems: [{ code: 'BUNDLE.HASH_MISMATCH' }] });
  });

  it('exits 1 with BUNDLE.NOT_JSON for a file cut off mid-JSON, in the human output and in --json', async () => {
    const text = await readFile(file, 'utf8');
    const target = await write('truncated.json', text.slice(0, Math.floor(text.length / 2)));
    const run = await verifyBundleCli(target);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^BUNDLE INVALID: BUNDLE\.NOT_JSON: the file is not JSON/m);
    const json = await verifyBundleCli(target, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'BUNDLE.NOT_JSON', problems: [{ code: 'BUNDLE.NOT_JSON' }] });
  });

  it('exits 3 with BUNDLE.UNREADABLE for a file it cannot read', async () => {
    const run = await verifyBundleCli(path.join(work, 'no-such-bundle.json'), '--json');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^BUNDLE INVALID: BUNDLE\.UNREADABLE: cannot read .*no-such-bundle\.json/m);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'BUNDLE.UNREADABLE' });
  });

  it.each<[string, string, () => LedgerBundle | object, string[]]>([
    ['JSON that is no bundle', 'BUNDLE.FORMAT_UNKNOWN', () => ({ some: 'json' }), []],
    ['a bundle without events', 'BUNDLE.MALFORMED', () => ({ ...clone(), events: [] }), []],
    [
      'the newest event edited and re-hashed (its stream chain holds; its checkpoint does not)',
      'BUNDLE.SEAL_MISMATCH',
      () => {
        const forged = clone();
        const last = forged.events[PER_STREAM - 1]!;
        const { hash: _hash, position: _position, transactionId: _transactionId, ...hashed } = { ...last, payload: { ...last.payload, note: 'vervalst' } };
        forged.events[PER_STREAM - 1] = { ...last, payload: hashed.payload, hash: eventHash(hashed) };
        return forged;
      },
      [],
    ],
    ['an event removed', 'BUNDLE.VERSION_GAP', () => ({ ...clone(), events: clone().events.filter((_, i) => i !== 3) }), []],
    ['a head that is not the recorded one', 'BUNDLE.ANCHOR_MISMATCH', () => clone(), ['--anchor', `1:${'0'.repeat(64)}`]],
  ])('exits 1 for %s, printing %s', async (name, code, make, args) => {
    const target = await write(`${name.replace(/\W+/g, '-')}.json`, make());
    const run = await verifyBundleCli(target, ...args, '--json');
    expect({ code: run.code, first: /^BUNDLE INVALID: \d+ problem\(s\); first: (\S+):/m.exec(run.stderr)?.[1] }).toEqual({ code: 1, first: code });
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code, problems: expect.arrayContaining([expect.objectContaining({ code })]) });
  });
});
