import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import { createLogger } from '#platform';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { ModelRegistry, ModelRegistryError } from '../src/models/model-registry.js';
import { ROUTER_MIGRATIONS } from '../src/router.migrations.js';

/**
 * The registry loads the built-ins and the stored versions at start-up and validates each: an unusable
 * definition stops start-up with a message naming the model version and the problem, instead of failing
 * later on some case. On real PostgreSQL (the `model_versions` table as migrated).
 */

let t: TestDatabase;
const logger = createLogger('silent');

beforeAll(async () => {
  t = await createTestDatabase({ migrations: ROUTER_MIGRATIONS });
});

afterAll(async () => {
  await t?.drop();
});

const store = (id: string, version: number, definition: unknown) =>
  t.db.query("INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES ($1, $2, $3::jsonb, now(), 'test')", [id, version, JSON.stringify(definition)]);

describe('loading escalation models at start-up', () => {
  it('loads the built-ins and valid stored versions, serving every version to the decider', async () => {
    await store('ave', 2, { ...structuredClone(AVE_MODEL), version: 2, title: 'AVE v2' });
    const registry = new ModelRegistry(t.db, logger);
    await registry.onModuleInit();
    expect(registry.resolve('ave', 1)).toBe(registry.versionsOf('ave')[0]!.definition);
    expect(registry.resolve('ave', 2)?.title).toBe('AVE v2');
    expect(Object.isFrozen(registry.resolve('ave', 2)!.states[0])).toBe(true);
    expect(registry.latestKnown('ave')?.definition.version).toBe(2);
    expect(await registry.ids()).toEqual(['7-stappenmodel', 'ave', 'ondermijning-intake', 'wvggz-verkennend-onderzoek']);
  });

  it('stops on a stored definition that is invalid, naming the version and the problem', async () => {
    const broken = structuredClone(AVE_MODEL) as unknown as { version: number; transitions: { to: string }[] };
    broken.version = 3;
    broken.transitions[0]!.to = 'ave-9';
    await store('ave', 3, broken);
    const registry = new ModelRegistry(t.db, logger);
    const failure = registry.onModuleInit();
    await expect(failure).rejects.toBeInstanceOf(ModelRegistryError);
    await expect(failure).rejects.toThrow(/stored model ave@3 cannot be used: .*transition "opschalen-ave-2" goes to unknown state "ave-9"/);
    await t.db.query("DELETE FROM model_versions WHERE id = 'ave' AND version = 3");
  });

  it('stops on a row whose definition is of another version, and on a stored copy of a built-in version 1 (never free to publish)', async () => {
    await store('ave', 4, { ...structuredClone(AVE_MODEL), version: 5 });
    await expect(new ModelRegistry(t.db, logger).onModuleInit()).rejects.toThrow('stored model ave@4 holds a definition of ave@5');
    await t.db.query("DELETE FROM model_versions WHERE id = 'ave' AND version = 4");

    await store('ave', 1, structuredClone(AVE_MODEL));
    await expect(new ModelRegistry(t.db, logger).onModuleInit()).rejects.toThrow('model ave@1 is both built in and stored in model_versions');
    await t.db.query("DELETE FROM model_versions WHERE id = 'ave' AND version = 1");
    await expect(new ModelRegistry(t.db, logger).onModuleInit()).resolves.toBeUndefined();
  });
});
