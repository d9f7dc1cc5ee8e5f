import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  checkpointHash,
  digestLine,
  eventHash,
  EventStore,
  exportCaseBundle,
  exportStreamBundle,
  lastCheckpoint,
  LedgerCheckpointer,
  linesDigest,
  verifyBundle,
  type BundledCheckpoint,
  type BundledEvent,
  type CaseBundle,
  type LedgerBundle,
} from '#eventstore';
import { anEvent } from '../../../libs/eventstore/test/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { buildProduct, type ProductBuild } from '../../../test/support/product-process.js';
import { runNode, type CommandResult } from '../../../test/support/run-node.js';

/**
 * An anchor (a checkpoint hash recorded independently) vouches for its own checkpoint and, through each
 * `prevCheckpointHash`, for every earlier one — never for a later one, which anyone holding the file can compute.
 * So with anchors, an event sealed by a checkpoint after the newest anchor is not proven: `BUNDLE.SEALED_AFTER_ANCHOR`
 * (exit 1), unless accepted explicitly with `--allow-unsealed`, like an event after the newest checkpoint.
 *
 * The ledger: a case stream's versions 1 and 2 sealed by checkpoint 1, version 3 by checkpoint 2 (the head).
 * A forger with only the exported file appends a fabricated `CaseClosed` and a checkpoint 3 sealing it, chained
 * after the head: held to the head, it is refused; the genuine bundle held to the head verifies; held to the older
 * checkpoint 1 only, version 3 is reported (accepted with --allow-unsealed, and then not said to be held to the anchor).
 */

let t: TestDatabase;
let build: ProductBuild;
let work: string;
const caseId = randomUUID();
const stream = `case-${caseId}`;
const signalStream = `signal-${randomUUID()}`;
let older: { seq: number; hash: string };
let head: { seq: number; hash: string };
let genuine: LedgerBundle;

/** Seals every event committed so far, in one checkpoint. */
async function sealAll(checkpointer: LedgerCheckpointer): Promise<{ seq: number; hash: string }> {
  const r = await t.db.query<{ transaction_id: string; position: string }>('SELECT transaction_id::text, position::text FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1');
  const newest = { transactionId: r.rows[0]!.transaction_id, position: r.rows[0]!.position };
  expect(await checkpointer.sealThrough(newest, { timeoutMs: 20_000 })).toBe(true);
  const c = (await lastCheckpoint(t.db))!;
  return { seq: c.seq, hash: c.checkpointHash };
}

/** What anyone holding only the file can do: append a fabricated event to a stream and a checkpoint sealing it, chained after the bundle's head. */
function extendedAfterHead<B extends { checkpoints: BundledCheckpoint[] }>(bundle: B, eventsOf: (b: B) => BundledEvent[]): B {
  const forged: B = JSON.parse(JSON.stringify(bundle));
  const events = eventsOf(forged);
  const last = events[events.length - 1]!;
  const before = forged.checkpoints[forged.checkpoints.length - 1]!;
  const cursor = { transactionId: String(BigInt(before.to.transactionId) + 10n), position: String(BigInt(before.to.position) + 10n) };
  const { hash: _hash, position: _position, transactionId: _transactionId, ...fabricated } = {
    ...last,
    id: randomUUID(),
    type: 'CaseClosed',
    streamVersion: last.streamVersion + 1,
    prevHash: last.hash,
    payload: { reason: 'verzonnen' },
  };
  const hash = eventHash(fabricated);
  events.push({ ...fabricated, hash, position: cursor.position, transactionId: cursor.transactionId });
  const lines = digestLine(cursor.transactionId, cursor.position, hash);
  const sealed = { seq: before.seq + 1, from: before.to, to: cursor, eventCount: 1, digest: linesDigest(lines), prevCheckpointHash: before.checkpointHash, createdAt: new Date().toISOString() };
  forged.checkpoints.push({ ...sealed, checkpointHash: checkpointHash(sealed), lines });
  return forged;
}

const forgedStream = (): LedgerBundle => extendedAfterHead(genuine, (b) => b.events);

beforeAll(async () => {
  t = await createTestDatabase();
  const store = new EventStore(t.db);
  const checkpointer = new LedgerCheckpointer(t.db, { every: 1000 });
  await store.append(stream, 0, [anEvent({ type: 'CaseOpened', payload: { n: 1 } })]);
  await store.append(signalStream, 0, [anEvent()]);
  await store.append(stream, 1, [anEvent({ type: 'CaseTransitioned', payload: { n: 2 } })]);
  older = await sealAll(checkpointer);
  await store.append(stream, 2, [anEvent({ type: 'CaseTransitioned', payload: { n: 3 } })]);
  head = await sealAll(checkpointer);
  expect({ older: older.seq, head: head.seq }).toEqual({ older: 1, head: 2 });
  genuine = await exportStreamBundle(t.db, stream);
  expect(genuine.head).toEqual(head);
}, 60_000);

afterAll(async () => {
  await t?.drop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('verifyBundle with anchors', () => {
  it('the genuine bundle held to its head (the newest checkpoint, recorded after the export): ok, every event held', () => {
    expect(verifyBundle(genuine, [head])).toMatchObject({ ok: true, code: null, events: 3, sealedEvents: 3, sealedAfterAnchorEvents: 0, unsealedEvents: 0, problems: [] });
    expect(verifyBundle(genuine, [older, head])).toMatchObject({ ok: true, sealedAfterAnchorEvents: 0 });
  });

  it('a fabricated event sealed by a forged checkpoint chained after the anchor: BUNDLE.SEALED_AFTER_ANCHOR, naming that checkpoint and the anchor', () => {
    const forged = forgedStream();
    // Without an anchor the copy is consistent — which is all that can be said of it without one.
    expect(verifyBundle(forged)).toMatchObject({ ok: true, sealedEvents: 4, sealedAfterAnchorEvents: 0 });
    const result = verifyBundle(forged, [head]);
    expect(result).toMatchObject({ ok: false, code: 'BUNDLE.SEALED_AFTER_ANCHOR', sealedEvents: 4, sealedAfterAnchorEvents: 1, head: { seq: head.seq + 1 } });
    expect(result.problems).toEqual([
      {
        code: 'BUNDLE.SEALED_AFTER_ANCHOR',
        message: expect.stringMatching(new RegExp(`^1 event\\(s\\) sealed by checkpoint ${head.seq + 1}, after the newest anchor ${head.seq} \\(first: event at position ${forged.events[3]!.position}, checkpoint ${head.seq + 1}\\): .*an anchor at or after checkpoint ${head.seq + 1}`)),
      },
    ]);
    // Accepted explicitly, like an event after the newest checkpoint: counted, nothing independent proves it.
    expect(verifyBundle(forged, [head], { allowUnsealed: true })).toMatchObject({ ok: true, sealedAfterAnchorEvents: 1, problems: [] });
  });

  it('the same on a case bundle, whose streams share the one chain', async () => {
    const bundle = await exportCaseBundle(t.db, caseId);
    expect(verifyBundle(bundle, [head])).toMatchObject({ ok: true, sealedAfterAnchorEvents: 0 });
    const forged = extendedAfterHead<CaseBundle>(bundle, (b) => b.streams[0]!.events);
    expect(verifyBundle(forged, [head])).toMatchObject({ ok: false, code: 'BUNDLE.SEALED_AFTER_ANCHOR', sealedAfterAnchorEvents: 1 });
    expect(verifyBundle(forged, [head]).problems[0]!.message).toMatch(new RegExp(`first: stream ${stream}, event at position`));
  });

  it('the genuine bundle held only to an anchor older than its newest event: that event is reported (accepted with allowUnsealed)', () => {
    const result = verifyBundle(genuine, [older]);
    expect(result).toMatchObject({ ok: false, code: 'BUNDLE.SEALED_AFTER_ANCHOR', sealedEvents: 3, sealedAfterAnchorEvents: 1 });
    expect(result.problems).toEqual([{ code: 'BUNDLE.SEALED_AFTER_ANCHOR', message: expect.stringMatching(new RegExp(`^1 event\\(s\\) sealed by checkpoint ${head.seq}, after the newest anchor ${older.seq} `)) }]);
    expect(verifyBundle(genuine, [older], { allowUnsealed: true })).toMatchObject({ ok: true, sealedAfterAnchorEvents: 1 });
  });

  it('a wrong anchor is still named first', () => {
    expect(verifyBundle(genuine, [{ seq: older.seq, hash: '0'.repeat(64) }]).problems.map((p) => p.code)).toEqual(['BUNDLE.ANCHOR_MISMATCH', 'BUNDLE.SEALED_AFTER_ANCHOR']);
  });
});

describe('npm run audit -- verify-bundle <file> --anchor <seq>:<hash>', () => {
  beforeAll(async () => {
    build = await buildProduct();
    work = await mkdtemp(path.join(tmpdir(), 'sr-bundle-anchor-'));
  }, 240_000);

  /** The command with no database and no data folder at all: it is offline. */
  async function verifyBundleCli(name: string, bundle: unknown, ...args: string[]): Promise<CommandResult> {
    const file = path.join(work, name);
    await writeFile(file, JSON.stringify(bundle));
    return runNode(build.entry('scripts/audit'), ['verify-bundle', file, ...args], { cwd: work, env: {} });
  }
  const anchor = (a: { seq: number; hash: string }): string[] => ['--anchor', `${a.seq}:${a.hash}`];

  it('exit 0 for the genuine bundle held to its head, saying it is held to the anchor', async () => {
    const run = await verifyBundleCli('genuine.json', genuine, ...anchor(head));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash} — held to the --anchor given`);
  });

  it('exit 1 with BUNDLE.SEALED_AFTER_ANCHOR for the forged extension, in the human output and in --json', async () => {
    const run = await verifyBundleCli('forged.json', forgedStream(), ...anchor(head));
    expect({ code: run.code, first: /^BUNDLE INVALID: \d+ problem\(s\); first: (\S+):/m.exec(run.stderr)?.[1] }).toEqual({ code: 1, first: 'BUNDLE.SEALED_AFTER_ANCHOR' });
    expect(run.stderr).not.toContain('held to the --anchor given');
    const json = await verifyBundleCli('forged.json', forgedStream(), ...anchor(head), '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'BUNDLE.SEALED_AFTER_ANCHOR', sealedAfterAnchorEvents: 1 });
  });

  it('exit 1 for the genuine bundle held to an older anchor; with --allow-unsealed exit 0, naming what the anchor does not hold', async () => {
    expect((await verifyBundleCli('genuine-older.json', genuine, ...anchor(older))).code).toBe(1);
    const run = await verifyBundleCli('genuine-older.json', genuine, ...anchor(older), '--allow-unsealed');
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('— held to the --anchor given');
    expect(run.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash} — NOT held to the --anchor given: 1 event(s) sealed after the newest anchor ${older.seq}`);
    // Both anchors: the older one shows the chain was not rewritten before it, the newer one proves every event.
    expect((await verifyBundleCli('genuine-both.json', genuine, ...anchor(older), ...anchor(head))).code).toBe(0);
  });

  it('exit 0 for a bundle whose every event is sealed at or before an anchor older than its head: the events are held, the later checkpoints are not', async () => {
    const run = await verifyBundleCli('signal.json', await exportStreamBundle(t.db, signalStream), ...anchor(older));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`head checkpoint: ${head.seq}:${head.hash} — every event held to the --anchor given (sealed at or before checkpoint ${older.seq}; the checkpoints after it are not)`);
  });
});
