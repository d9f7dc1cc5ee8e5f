import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { BSN_REDACTED, BUILT_IN_MODELS, BUILT_IN_TABLES_CONFIG, type ModelDefinition } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { appendSignals, BSN, draftSignals, envelopeOf, keyringOf, KVK_NUMBER, rawOf, registered, ScriptedCase, streamEvents, TABLES_APP, TABLES_OUTPUT_TOPICS, tag } from './support/tables-fixtures.js';

/**
 * Referral flow on real PostgreSQL and Kafka, with case events appended the way the router appends them:
 * `CaseReferred` on `signaalroute.cases.v1` → the minimised referral on the table's topic, the register and
 * a disclosure; nothing else ever leaves, and redelivery changes nothing.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const ENSCHEDE = 'GM0153';

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP], env: { CONSUMER_MAX_ATTEMPTS: '2' } });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
});

afterAll(async () => {
  await h?.stop();
});

const keyring = () => keyringOf(h);

/** A case under `model` whose signals carry every shareable fact, a BSN, a reporter reference and notes. */
async function caseWithEverything(model: ModelDefinition) {
  const signals = await appendSignals(h, ENSCHEDE);
  const c = new ScriptedCase(h, ENSCHEDE);
  await c.open(model, signals.ids);
  const internal = `Intern: buurman belde ${tag()}`;
  await c.note(internal, 'intern');
  await c.note(`Gesprek gevoerd, bsn ${BSN} gecontroleerd`, 'deelbaar');
  return { c, signals, internal };
}

describe('for each sharing profile and every built-in case type', () => {
  const combos = BUILT_IN_TABLES_CONFIG.tables.flatMap((table) => BUILT_IN_MODELS.map((model) => ({ table, model })));

  it('publishes exactly the allowed fields to the table topic, or nothing when the profile does not cover the case type', async () => {
    const runs = [];
    for (const { table, model } of combos) {
      const { c, signals, internal } = await caseWithEverything(model);
      runs.push({ table, model, c, signals, internal, referralId: await c.referDirectly(table.id, `Reden ${tag()}`) });
    }
    for (const { table, model, c, signals, internal, referralId } of runs) {
      const covered = Object.hasOwn(table.profile.fields, model.id);
      const row = await registered(h, referralId);
      const what = `${table.id} × ${model.id}`;
      if (!covered) {
        expect({ what, status: row.status, rejection: row.rejection }).toEqual({ what, status: 'rejected', rejection: 'no-sharing-profile' });
        const [rejected] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`, { what });
        expect(envelopeOf(rejected!)).toMatchObject({ type: 'ReferralRejected', payload: { referralId, caseId: c.caseId, table: table.id, rejection: 'no-sharing-profile' } });
        expect(watcher.matching((m) => m.topic === table.topic && m.key === `referral-${referralId}`)).toEqual([]);
        continue;
      }
      const [message] = await watcher.waitFor((m) => m.topic === table.topic && m.key === `referral-${referralId}`, { what });
      const published = envelopeOf(message!);
      const allowed = [...table.profile.fields[model.id]!].sort();
      expect({ what, type: published.type, top: Object.keys(published.payload).sort() }).toEqual({
        what,
        type: 'ReferralPublished',
        top: ['acceptBy', 'case', 'caseType', 'fields', 'municipality', 'referralId', 'referredAt', 'table'],
      });
      expect({ what, fields: Object.keys(published.payload.case as object).sort() }).toEqual({ what, fields: allowed });
      expect({ what, fields: [...(published.payload.fields as string[])].sort() }).toEqual({ what, fields: allowed });
      expect(published).toMatchObject({ municipality: ENSCHEDE, legalBasis: table.profile.legalBasis, processingActivity: table.profile.processingActivity, streamId: `referral-${referralId}` });
      const raw = rawOf(message!);
      expect(raw).not.toContain(BSN);
      expect(raw).not.toContain(signals.reporterRef);
      expect(raw).not.toContain(c.caseId);
      expect(raw).not.toContain(internal);
      // Personal values travel sealed: neither the tip nor the concern is readable in the message itself.
      expect(raw).not.toContain(signals.texts.tip);
      expect(raw).not.toContain(signals.texts.concern);
      // Opened with the keyring (as the table's API does), a shared field shows up and zorg stays out.
      const opened = JSON.stringify((await keyring().reveal(published.payload.case)).value);
      if (!table.receivesZorg) expect(opened).not.toContain(signals.texts.concern);
      if (allowed.includes('description')) expect(opened).toContain(signals.texts.tip);
      if (allowed.includes('concern')) expect(opened).toContain(signals.texts.concern);
    }
  });
});

describe('a BSN typed into sealed free text', () => {
  it('reaches the table redacted, still sealed under the same key (so erasing the case still shreds it)', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ondermijning-intake')!;
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(model, signals.ids);
    const caseKeyId = await c.sealedNote(`Gesprek gevoerd, bsn ${BSN} gecontroleerd`, 'deelbaar');
    const referralId = await c.referDirectly('riec', `Reden ${tag()}`);
    const [message] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${referralId}`);
    const published = envelopeOf(message!);
    const [note] = (published.payload.case as { sharedNotes: { text: string }[] }).sharedNotes;
    expect(note!.text.startsWith(`pd1.${caseKeyId}.`)).toBe(true);
    expect(await keyring().open(note!.text, '')).toBe(`Gesprek gevoerd, bsn ${BSN_REDACTED} gecontroleerd`);
    // Every other sealed value still opens (a digit run inside a sealed value is never taken for a BSN).
    expect((await keyring().reveal(published.payload.case)).value).toMatchObject({ description: [signals.texts.tip, signals.texts.report] });
    // A KvK number is an identifier the RIEC needs, not free text: kept even when it passes the 11-proef.
    expect((await keyring().reveal(published.payload.case)).value).toMatchObject({ involvedParty: [expect.objectContaining({ kvkNumber: KVK_NUMBER })] });
  });
});

describe('a referral goes out once, with its register row and disclosure', () => {
  it('records the disclosure: recipient, legal basis, processing activity, fields, payload hash, time', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ondermijning-intake')!;
    const { c } = await caseWithEverything(model);
    await c.walkTo(model, 'riec');
    const referralId = await c.refer('riec', 'Ondermijning, boven de eigen mogelijkheden');
    const [message] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${referralId}`);
    const published = envelopeOf(message!);
    const [disclosure] = await h.query<Record<string, any>>('SELECT * FROM table_disclosures WHERE subject_ref = $1', [`referral-${referralId}`]);
    const riec = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!;
    expect(disclosure).toMatchObject({ recipient: 'riec', municipality: ENSCHEDE, case_id: c.caseId, legal_basis: riec.profile.legalBasis, processing_activity: 'verstrekking-riec', event_id: published.id });
    expect([...disclosure!.fields].sort()).toEqual([...riec.profile.fields['ondermijning-intake']!].sort());
    const { createHash } = await import('node:crypto');
    const canonicalize = (await import('canonicalize')).default as unknown as (v: unknown) => string;
    expect(disclosure!.payload_sha256).toBe(createHash('sha256').update(canonicalize(published.payload)).digest('hex'));
    const row = await registered(h, referralId);
    expect(row).toMatchObject({ status: 'open', table_id: 'riec', case_id: c.caseId, case_type: 'ondermijning-intake', version: 1 });
    expect(new Date(row.accept_by).getTime()).toBe(Date.parse(published.payload.acceptBy as string));
  });

  it('redelivering and replaying the same case events creates one referral, one disclosure and one message', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const { c } = await caseWithEverything(model);
    await c.walkTo(model, 'ave-3');
    const referralId = await c.refer('zvh-casusoverleg', 'Meerdere leefgebieden');
    await watcher.waitFor((m) => m.topic === 'signaalroute.tables.zvh-casusoverleg.v1' && m.key === `referral-${referralId}`);

    // The whole stream once more, twice, straight onto the topic (as a redelivery or a replay would), then a
    // marker after it on the same key: once the marker is applied, the copies before it were handled.
    const copies = [...c.appended, ...c.appended].map((e) => ({ key: `case-${c.caseId}`, value: JSON.stringify(e) }));
    await h.produce(TOPICS.cases, copies);
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await h.query('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet ?? '').includes(marker), { what: 'the marker note' });

    expect(await h.query('SELECT referral_id FROM table_referrals WHERE case_id = $1', [c.caseId])).toHaveLength(1);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`referral-${referralId}`])).toHaveLength(1);
    expect((await streamEvents(h, `referral-${referralId}`)).map((e) => e.type)).toEqual(['ReferralPublished']);
    const outbox = await h.query("SELECT 1 FROM outbox o JOIN events e ON e.id = o.event_id WHERE e.stream_id = $1", [`referral-${referralId}`]);
    expect(outbox).toHaveLength(0);
    expect(watcher.matching((m) => m.key === `referral-${referralId}`)).toHaveLength(1);
  });

  it('an event and its copy in one batch (a relay round published again) are applied once', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const { c } = await caseWithEverything(model);
    const note = [...c.appended].reverse().find((e) => e.type === 'CaseNoteAdded' && (e.payload as { visibility?: string }).visibility === 'deelbaar')!;
    const sharedNotes = async () => ((await h.query<{ sheet: { sharedNotes?: unknown[] } }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet.sharedNotes ?? []).length;
    await waitFor(async () => (await sharedNotes()) === 1, { what: 'the shared note on the sheet' });

    // A note event the consumer has not seen, twice in one produce call (one fetch), as a republished round
    // delivers it; then a marker after it on the same key.
    // (A note of its own: another id and time; the same note applied twice is kept once.)
    const copy = JSON.stringify({ ...note, id: crypto.randomUUID(), payload: { ...note.payload, noteId: crypto.randomUUID(), at: new Date().toISOString() } });
    await h.produce(TOPICS.cases, [
      { key: `case-${c.caseId}`, value: copy },
      { key: `case-${c.caseId}`, value: copy },
    ]);
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await h.query('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet ?? '').includes(marker), { what: 'the marker note' });
    expect(await sharedNotes()).toBe(3);
  });

  it('a case event the consumer keeps failing on goes to the dead letters after CONSUMER_MAX_ATTEMPTS, and the partition moves on', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const { c } = await caseWithEverything(model);
    // A well-formed CaseOpened of a new case whose state PostgreSQL refuses to store (a NUL character in jsonb text):
    // applying it fails every time (no product writer appends one; a bug could). Sent under this case's key, so
    // the note below waits behind it on the same partition.
    const opened = c.appended.find((e) => e.type === 'CaseOpened')!;
    const otherCase = crypto.randomUUID();
    const broken = { ...(opened.payload as Record<string, unknown>), caseId: otherCase, state: 'ave-1\u0000' };
    const poisonId = crypto.randomUUID();
    await h.produce(TOPICS.cases, [{ key: `case-${c.caseId}`, value: JSON.stringify({ ...opened, id: poisonId, streamId: `case-${otherCase}`, payload: broken }) }]);
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await h.query('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet ?? '').includes(marker), { what: 'the note after the poison event', timeoutMs: 90_000 });
    const letters = await h.query<{ origin: string; topic: string; message_key: string; message_value: string; attempts: number }>("SELECT origin, topic, message_key, message_value, attempts FROM dead_letters WHERE origin = 'consumer:tables.case-events'");
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: TOPICS.cases, message_key: `case-${c.caseId}`, attempts: 2 });
    expect(JSON.parse(letters[0]!.message_value).id).toBe(poisonId);
  }, 120_000);

  it('a malformed case event goes to the dead letters at its first delivery and changes nothing', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const { c } = await caseWithEverything(model);
    const sheetOf = async () => (await h.query<{ sheet: { state: string; responsibilities: Record<string, string> } }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet;
    await waitFor(async () => (await sheetOf()) !== undefined, { what: 'the sheet' });
    const before = await sheetOf();
    // A CaseTransitioned without its target state or holders: read as it was, it would wipe the sheet's holders.
    const moved = { ...c.appended.find((e) => e.type === 'CaseOpened')!, id: crypto.randomUUID(), type: 'CaseTransitioned', payload: { caseId: c.caseId, modelId: 'ave', from: 'ave-1', transition: 'x' } };
    const notAnEnvelope = '{"id":"not-an-event"}';
    await h.produce(TOPICS.cases, [
      { key: `case-${c.caseId}`, value: JSON.stringify(moved) },
      { key: `case-${c.caseId}`, value: notAnEnvelope },
    ]);
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await sheetOf()) ?? '').includes(marker), { what: 'the note after the malformed events' });
    const letters = await h.query<{ message_value: string; error_code: string; error: string; attempts: number }>(
      "SELECT message_value, error_code, error, attempts FROM dead_letters WHERE origin = 'consumer:tables.case-events' AND message_key = $1 ORDER BY id",
      [`case-${c.caseId}`],
    );
    expect(letters.map((l) => ({ code: l.error_code, attempts: l.attempts }))).toEqual([
      { code: 'MESSAGE.MALFORMED', attempts: 1 },
      { code: 'MESSAGE.MALFORMED', attempts: 1 },
    ]);
    expect(letters[0]!.error).toContain('to: missing');
    expect(letters[1]!.message_value).toBe(notAnEnvelope);
    const after = await sheetOf();
    expect({ state: after!.state, responsibilities: after!.responsibilities }).toEqual({ state: before!.state, responsibilities: before!.responsibilities });
  });

  it('rejects a referral to a table that does not serve the municipality, sharing nothing', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ondermijning-intake')!;
    const signals = await appendSignals(h, 'GM0363');
    const c = new ScriptedCase(h, 'GM0363'); // Amsterdam: not served by RIEC Oost-Nederland here
    await c.open(model, signals.ids);
    await c.walkTo(model, 'riec');
    const referralId = await c.refer('riec');
    const [message] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`);
    expect(envelopeOf(message!)).toMatchObject({ type: 'ReferralRejected', payload: { rejection: 'municipality-not-served', caseId: c.caseId } });
    expect(watcher.matching((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${referralId}`)).toEqual([]);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [c.caseId])).toEqual([]);
  });
});

describe('a referral whose signal facts have not arrived yet', () => {
  it('waits without holding up other referrals, and goes out once, with those facts, when the last of them arrives', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ondermijning-intake')!;
    const late = draftSignals(h, ENSCHEDE);
    const [first, ...rest] = late.ids;
    await late.append([first!]);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(model, late.ids);
    await c.walkTo(model, 'riec');
    const waiting = await c.refer('riec', 'Ondermijning, feiten volgen');
    await waitFor(async () => (await h.query('SELECT 1 FROM tables_pending_referrals WHERE referral_id = $1', [waiting])).length === 1, { what: 'the referral parked' });

    // Another referral, whose facts are there, goes out meanwhile.
    const { c: other } = await caseWithEverything(model);
    await other.walkTo(model, 'riec');
    const flowing = await other.refer('riec', 'Ondermijning');
    await watcher.waitFor((m) => m.key === `referral-${flowing}`);
    expect(watcher.matching((m) => m.key === `referral-${waiting}`)).toEqual([]);
    expect(await h.query('SELECT 1 FROM table_referrals WHERE referral_id = $1', [waiting])).toEqual([]);

    // One of the two missing signals is not enough; the last one publishes it.
    await late.append([rest[0]!]);
    await waitFor(async () => (await h.query<{ waiting_for: string[] }>('SELECT waiting_for FROM tables_pending_referrals WHERE referral_id = $1', [waiting]))[0]?.waiting_for.length === 1, { what: 'one signal struck off' });
    expect(watcher.matching((m) => m.key === `referral-${waiting}`)).toEqual([]);
    await late.append([rest[1]!]);
    const [message] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${waiting}`);
    const published = envelopeOf(message!);
    // The facts of all three signals are in it (values compared as opaque: counted, not read).
    const shared = published.payload.case as Record<string, unknown[]>;
    expect({ sources: shared.signalSources, descriptions: shared.description?.length }).toEqual({ sources: ['mma', 'intern-meldpunt', 'zorgmelding'], descriptions: 2 });
    expect(rawOf(message!)).not.toContain(BSN);
    expect(rawOf(message!)).not.toContain(late.reporterRef);
    expect(await h.query('SELECT 1 FROM tables_pending_referrals WHERE referral_id = $1', [waiting])).toEqual([]);

    // Replaying the case events changes nothing: one referral, one disclosure, one message.
    await h.produce(TOPICS.cases, c.appended.map((e) => ({ key: `case-${c.caseId}`, value: JSON.stringify(e) })));
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await h.query('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet ?? '').includes(marker), { what: 'the marker note' });
    expect(await h.query('SELECT 1 FROM table_referrals WHERE referral_id = $1', [waiting])).toHaveLength(1);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`referral-${waiting}`])).toHaveLength(1);
    expect((await streamEvents(h, `referral-${waiting}`)).map((e) => e.type)).toEqual(['ReferralPublished']);
    expect(watcher.matching((m) => m.key === `referral-${waiting}`)).toHaveLength(1);
  });
});
