import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { assertValidModel, DomainError, freezeModel } from '#domain';
import { EventStore, sqlConstraint, sqlErrorCode, VersionConflictError, type Database } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, type Clock } from '#platform';
import type { Principal } from '#security';
import { ModelRegistry } from './model-registry.js';
import {
  MODEL_PROCESSING,
  MODEL_VERSION_PUBLISHED_EVENT_TYPE,
  MODEL_VERSION_PUBLISHED_EVENT_VERSION,
  modelStreamId,
  type PublishedModel,
} from './published-model.js';

/**
 * An administrator publishes a model version: validated (`MODEL.INVALID` with every problem), numbered
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
    private readonly registry: ModelRegistry,
  ) {}

  async publish(body: unknown, principal: Principal, traceparent: string | null): Promise<PublishedModel> {
    assertValidModel(body);
    const definition = freezeModel(structuredClone(body));
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

function versionConflict(modelId: string, version: number, latestVersion: number): DomainError {
  return new DomainError('MODEL.VERSION_CONFLICT', `model "${modelId}" is at version ${latestVersion}: publish version ${latestVersion + 1}`, {
    modelId,
    version,
    latestVersion,
    expectedVersion: latestVersion + 1,
  });
}
