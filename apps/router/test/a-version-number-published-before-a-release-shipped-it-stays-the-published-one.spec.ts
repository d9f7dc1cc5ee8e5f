import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { BUILT_IN_RETENTION_CONFIG, WVGGZ_VERKENNEND_ONDERZOEK_MODEL, WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1, type ModelDefinition } from '#domain';
import { EventStore } from '#eventstore';
import type { Principal } from '#security';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { ModelRegistry } from '../src/models/model-registry.js';
import { PublishModelService } from '../src/models/publish-model.service.js';
import { MODEL_PROCESSING, MODEL_VERSION_PUBLISHED_EVENT_TYPE, MODEL_VERSION_PUBLISHED_EVENT_VERSION, modelStreamId } from '../src/models/published-model.js';
import { ROUTER_MIGRATIONS } from '../src/router.migrations.js';

/**
 * A model's built-in versions and the versions an administrator publishes share one sequence of numbers, and a number
 * names one definition for good: cases are pinned to it. Until built-in `wvggz-verkennend-onderzoek` version 2
 * shipped, the next number an administrator could publish was 2. Such a version 2 stays the published one after the
 * upgrade (its cases were decided by it): the router starts, serves it under its number, and says the built-in version 2
 * is not served here; the next number is still one past the latest. Without such a version, the built-in version 2
 * takes the number and an administrator's next version is 3. On real PostgreSQL.
 */

const ID = WVGGZ_VERKENNEND_ONDERZOEK_MODEL.id;
const ADMIN: Principal = { subject: 'beheerder-kees', role: 'admin', municipalities: [], tables: [] };

/** A registry whose warnings are kept, and the service that publishes through it. */
async function startRegistry(t: TestDatabase) {
  const warnings: { notServed?: string[]; msg: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const registry = new ModelRegistry(t.db, logger);
  await registry.onModuleInit();
  const publisher = new PublishModelService(t.db, new EventStore(t.db), () => new Date(), BUILT_IN_RETENTION_CONFIG, registry);
  return { registry, publisher, warnings };
}

/** The municipality's own version `version` of the Wvggz model, built on version 1 (no term in `ontvangen`). */
const ownVersion = (version: number): ModelDefinition => ({ ...structuredClone(WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1), version, title: `Wvggz (eigen versie ${version})` });

describe('a version 2 published before the release that shipped built-in version 2', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ migrations: ROUTER_MIGRATIONS });
    // What publishing did under the release before: the row and the first event of the model's stream, together.
    const definition = ownVersion(2);
    const json = JSON.stringify(definition);
    await new EventStore(t.db).append(
      modelStreamId(ID),
      0,
      [
        {
          id: randomUUID(),
          type: MODEL_VERSION_PUBLISHED_EVENT_TYPE,
          version: MODEL_VERSION_PUBLISHED_EVENT_VERSION,
          occurredAt: '2026-10-01T09:00:00.000Z',
          municipality: null,
          actor: { id: 'beheerder-vroeger', role: 'admin' },
          correlationId: randomUUID(),
          processingActivity: MODEL_PROCESSING.activity,
          legalBasis: MODEL_PROCESSING.legalBasis,
          payload: { modelId: ID, version: 2, definition: JSON.parse(json) as Record<string, unknown> },
        },
      ],
      {
        alsoInsert: [
          (param) =>
            `INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES (${param(ID)}, 2, ${param(json)}::jsonb, '2026-10-01T09:00:00Z', 'beheerder-vroeger')`,
        ],
      },
    );
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('the router starts and serves the published version 2 under its number, saying the built-in one is not served', async () => {
    const { registry, warnings } = await startRegistry(t);
    expect(registry.resolve(ID, 2)?.title).toBe('Wvggz (eigen versie 2)');
    expect(registry.resolve(ID, 1)).toEqual(WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1);
    expect(registry.versionsOf(ID).map((m) => ({ version: m.definition.version, builtIn: m.builtIn, publishedBy: m.publishedBy }))).toEqual([
      { version: 1, builtIn: true, publishedBy: null },
      { version: 2, builtIn: false, publishedBy: 'beheerder-vroeger' },
    ]);
    expect(warnings).toEqual([expect.objectContaining({ notServed: [`${ID}@2`] })]);
    expect((await registry.defaultFor(ID, 'GM0153'))?.definition.title).toBe('Wvggz (eigen versie 2)');
  });

  it('the next version an administrator publishes is 3, after the published version 2 on the model stream', async () => {
    const { registry, publisher } = await startRegistry(t);
    await expect(publisher.publish(ownVersion(2), ADMIN, null)).rejects.toMatchObject({ code: 'MODEL.VERSION_CONFLICT', details: { expectedVersion: 3 } });
    const published = await publisher.publish({ ...structuredClone(WVGGZ_VERKENNEND_ONDERZOEK_MODEL), version: 3 }, ADMIN, null);
    expect(published).toMatchObject({ builtIn: false, definition: { version: 3 } });
    expect(registry.resolve(ID, 3)?.deadlines[0]).toMatchObject({ state: 'ontvangen', runsIn: ['verkennend-onderzoek'] });
    const stream = await t.db.query<{ v: number }>('SELECT (payload->>\'version\')::int AS v FROM events WHERE stream_id = $1 ORDER BY stream_version', [modelStreamId(ID)]);
    expect(stream.rows.map((r) => r.v)).toEqual([2, 3]);
  });
});

describe('without a version 2 published before the release', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ migrations: ROUTER_MIGRATIONS });
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('the built-in version 2 has the number, and an administrator publishes 3 next', async () => {
    const { registry, publisher, warnings } = await startRegistry(t);
    expect(registry.resolve(ID, 2)).toEqual(WVGGZ_VERKENNEND_ONDERZOEK_MODEL);
    expect(warnings).toEqual([]);
    await expect(publisher.publish(ownVersion(2), ADMIN, null)).rejects.toMatchObject({ code: 'MODEL.VERSION_CONFLICT', details: { latestVersion: 2, expectedVersion: 3 } });
    await expect(publisher.publish(ownVersion(3), ADMIN, null)).resolves.toMatchObject({ builtIn: false, definition: { version: 3 } });
    expect(registry.versionsOf(ID).map((m) => [m.definition.version, m.builtIn])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });
});
