import type { EventEnvelope } from '#contracts';
import { SUBJECT_REGISTERED_EVENT_TYPE, type SubjectRegisteredPayload } from '#domain';
import type { Database, ProjectionDefinition, ProjectionTableNames, SqlExecutor } from '#eventstore';
import { Keyring, loadConfig } from '#platform';
import { BlindIndex, masterKeyProviderFor, type MasterKeys } from '#security';
import { PERSONAL_DATA_SHREDDED_EVENT_TYPE } from '../privacy/privacy-processing.js';
import { markSubjectErased } from './mark-subject-erased.js';
import { blindKeysOf, subjectRowInsert } from './subjects.repository.js';

const SUBJECT_STREAM = /^subject-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * Applies subject events in order, inside the caller's transaction, with the live writers' statements:
 * `SubjectRegistered` inserts the row (`subjectRowInsert`: the payload's sealed values, `registered_at` the
 * event's instant, `registered_by` its actor) and `PersonalDataShredded` on a subject's stream marks it erased
 * (`markSubjectErased` at the event's instant). The lookup keys are blind indexes of the plaintext: the
 * payload's sealed values are opened in memory with the subject's data key and indexed with the blind-index
 * key, as registration did; a subject whose key was destroyed opens to nothing and gets none (its erasure,
 * later in the log, clears them anyway). Nothing opened leaves this function.
 */
async function applyToSubjects(keyring: Keyring, tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  const table = tables.subjects!;
  const registered = events.filter((e) => e.type === SUBJECT_REGISTERED_EVENT_TYPE && SUBJECT_STREAM.test(e.streamId));
  const opened = registered.length === 0 ? [] : await keyring.revealEach(registered.map((e) => e.payload as unknown as SubjectRegisteredPayload), tx);
  const index = registered.length === 0 ? null : new BlindIndex(await keyring.blindIndexKey(tx));
  const plaintext = new Map(registered.map((e, i) => [e.id, opened[i]!.value]));
  for (const event of events) {
    const subjectId = SUBJECT_STREAM.exec(event.streamId)?.[1];
    if (!subjectId) continue;
    if (event.type === SUBJECT_REGISTERED_EVENT_TYPE) {
      const params: unknown[] = [];
      const sql = subjectRowInsert(event.payload as unknown as SubjectRegisteredPayload, blindKeysOf(index!, plaintext.get(event.id)!), event.occurredAt, event.actor.id, table)((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      await tx.query(sql, params);
    } else if (event.type === PERSONAL_DATA_SHREDDED_EVENT_TYPE) {
      await markSubjectErased(tx, subjectId, new Date(event.occurredAt), table);
    }
  }
}

/**
 * The subject registry (`subjects`) as a rebuildable projection, folded from the subject streams
 * (`subject-<id>`) with the master keys `masterKeys` gives (they unwrap the subjects' data keys and the
 * blind-index key in `data_keys`). Every column follows from the events: the sealed identity values as the
 * event carries them, `erased_at` and the cleared lookup keys from `PersonalDataShredded`, and the lookup keys
 * of a subject not erased re-derived from its sealed values.
 */
export function subjectRegistryProjection(masterKeys: () => MasterKeys): ProjectionDefinition {
  let keyring: Keyring | null = null;
  return {
    name: 'subjects',
    description: 'Router: the subject registry (sealed identity values, lookup keys, registration, erasure)',
    tables: [{ name: 'subjects', primaryKey: ['subject_id'] }],
    eventTypes: [SUBJECT_REGISTERED_EVENT_TYPE, PERSONAL_DATA_SHREDDED_EVENT_TYPE],
    // The keyring has no database of its own here: every call passes the replay's transaction.
    apply: (tx, events, tables) => applyToSubjects((keyring ??= new Keyring(null as unknown as Database, masterKeys())), tx, events, tables),
  };
}

/** The master keys of this process's configuration (`SIGNAALROUTE_MASTER_KEY`, or the key files in `SIGNAALROUTE_DATA_DIR`), loaded once. */
function configuredMasterKeys(): MasterKeys {
  const config = loadConfig();
  return masterKeyProviderFor(config.SIGNAALROUTE_DATA_DIR, config.SIGNAALROUTE_MASTER_KEY, config.SIGNAALROUTE_PREVIOUS_MASTER_KEYS).masterKeys();
}

/** `subjects` with the master keys of this process (the app's replays; `npm run audit -- replay` passes the keys it reads, never creating one). */
export const SUBJECT_REGISTRY_PROJECTION: ProjectionDefinition = subjectRegistryProjection(configuredMasterKeys);
