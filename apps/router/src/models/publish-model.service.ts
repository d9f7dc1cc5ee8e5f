import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { assertValidModel, DomainError, freezeModel, unenforcedRetentionClasses, type ModelDefinition, type RetentionConfig } from '#domain';
import { EventStore, sqlConstraint, sqlErrorCode, VersionConflictError, type Database } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, type Clock } from '#platform';
import type { Principal } from '#security';
import { RETENTION_CONFIG } from '../privacy/retention/retention-config.provider.js';
import { ModelRegistry } from './model-registry.js';
import {
  MODEL_PROCESSING,
  MODEL_VERSION_PUBLISHED_EVENT_TYPE,
  MODEL_VERSION_PUBLISHED_EVENT_VERSION,
  modelStreamId,
  type PublishedModel,
} from './published-model.js';

/**
 * An administrator publishes a model version: validated (`MODEL.INVALID` with every problem), every retention
 * class of its terminal states applied by a retention rule (`MODEL.RETENTION_CLASS_UNKNOWN` otherwise), numbered
 * exactly one past the latest (`MODEL.VERSION_CONFLICT` otherwise, also when another administrator was
 * first), and recorded as a `ModelVersionPublished` event on `model-<id>` together with its
 * `model_versions` row in one statement.
 */
@Injectable()
export class PublishModelService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RETENTION_CONFIG) private readonly retention: RetentionConfig,
    private readonly registry: ModelRegistry,
  ) {}

  async publish(body: unknown, principal: Principal, traceparent: string | null): Promise<PublishedModel> {
    assertValidModel(body, { publishing: true });
    const definition = freezeModel(structuredClone(body));
    assertRetentionClassesApplied(definition, this.retention);
    const { id, version } = definition;
    const latest = await this.registry.latest(id);
    const latestVersion = latest?.definition.version ?? 0;
    if (version !== latestVersion + 1) throw versionConflict(id, version, latestVersion);
    // The stream holds the published versions only (built-ins ship in code).
    const streamVersion = this.registry.versionsOf(id).filter((m) => !m.builtIn).length;
    const now = this.clock().toISOString();
    const json = JSON.stringify(definition);
    try {
      await this.store.appendIn(
        this.db,
        modelStreamId(id),
        streamVersion,
        [
          {
            id: randomUUID(),
            type: MODEL_VERSION_PUBLISHED_EVENT_TYPE,
            version: MODEL_VERSION_PUBLISHED_EVENT_VERSION,
            occurredAt: now,
            municipality: null,
            actor: { id: principal.subject, role: principal.role },
            correlationId: randomUUID(),
            traceparent,
            processingActivity: MODEL_PROCESSING.activity,
            legalBasis: MODEL_PROCESSING.legalBasis,
            payload: { modelId: id, version, definition: JSON.parse(json) as Record<string, unknown> },
          },
        ],
        {
          alsoInsert: [
            (param) =>
              `INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES (${param(id)}, ${param(version)}::int, ${param(json)}::jsonb, ${param(now)}::timestamptz, ${param(principal.subject)})`,
          ],
        },
      );
    } catch (error) {
      if (error instanceof VersionConflictError || (sqlErrorCode(error) === '23505' && sqlConstraint(error) === 'model_versions_pkey')) {
        const current = await this.registry.latest(id);
        throw versionConflict(id, version, current?.definition.version ?? latestVersion);
      }
      throw error;
    }
    const published: PublishedModel = { definition, builtIn: false, publishedAt: now, publishedBy: principal.subject };
    this.registry.add(published);
    return published;
  }
}

/**
 * A terminal state's retention class is a promise about how long its cases' personal data is kept; one that no
 * retention rule applies is a promise nobody keeps (the cases fall through to another rule), so the version is
 * refused, naming the first such state.
 */
function assertRetentionClassesApplied(definition: ModelDefinition, retention: RetentionConfig): void {
  const [first] = unenforcedRetentionClasses(definition, retention.rules);
  if (!first) return;
  const known = first.known.length > 0 ? first.known.join(', ') : 'none';
  const decided = first.decidedBy ? `; rule "${first.decidedBy}" comes first and decides for such a case` : '';
  throw new DomainError(
    'MODEL.RETENTION_CLASS_UNKNOWN',
    `state "${first.state}" declares retention class "${first.retentionClass}", but no retention rule applies it to a case of model "${definition.id}" closed there (classes the rules apply there: ${known}${decided})`,
    { state: first.state, retentionClass: first.retentionClass, known: first.known, decidedBy: first.decidedBy },
  );
}

function versionConflict(modelId: string, version: number, latestVersion: number): DomainError {
  return new DomainError('MODEL.VERSION_CONFLICT', `model "${modelId}" is at version ${latestVersion}: publish version ${latestVersion + 1}`, {
    modelId,
    version,
    latestVersion,
    expectedVersion: latestVersion + 1,
  });
}
