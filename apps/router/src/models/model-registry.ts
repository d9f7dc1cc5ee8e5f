import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { assertValidModel, BUILT_IN_MODEL_VERSIONS, defaultModelVersion, DomainError, freezeModel, modelAppliesTo, modelKey, type ModelDefinition, type ModelResolver } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE, LOGGER } from '#platform';
import type { PublishedModel } from './published-model.js';

interface ModelRow {
  id: string;
  version: number;
  definition: unknown;
  published_at: Date | string;
  published_by: string;
}

/** Thrown at start-up (or on a reload) when a built-in or stored definition is unusable; names the problem. */
export class ModelRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelRegistryError';
  }
}

/**
 * Every model version this process knows: the built-ins (every shipped version, but for a number published here
 * first: see `onModuleInit`) plus the versions published in `model_versions`, loaded and validated at start-up (an
 * invalid one stops start-up, naming the problem). Cases are pinned to a version, so all versions stay available.
 * Versions published by another process are picked up on a cache miss (`ensure`) and whenever the latest version or
 * the full list is asked for.
 */
@Injectable()
export class ModelRegistry implements OnModuleInit {
  private readonly byId = new Map<string, Map<number, PublishedModel>>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * A built-in model and the versions an administrator publishes share one sequence of numbers per model, and a
   * number names one definition for good: the cases opened on it are pinned to it. A release can ship a built-in
   * version whose number an administrator had published here already, as the next free number under the release
   * before (`wvggz-verkennend-onderzoek` version 2). Then the published version keeps its number: its cases were
   * decided by it and its `ModelVersionPublished` event names it. The built-in version is not served here, and the
   * start-up log says so; an administrator who wants it publishes its content as the model's next version. Version 1
   * of a built-in model shipped with the model, so it was never free to publish: a stored copy of it stops start-up.
   */
  async onModuleInit(): Promise<void> {
    const loaded = await this.loadRows('SELECT id, version, definition, published_at, published_by FROM model_versions ORDER BY id, version');
    // Every shipped version, older ones included: cases stay pinned to the version they were opened on.
    const notServed: string[] = [];
    for (const def of BUILT_IN_MODEL_VERSIONS) {
      const definition = checked(def, `built-in model ${modelKey(def.id, def.version)}`);
      if (!this.byId.get(def.id)?.has(def.version)) this.add({ definition, builtIn: true, publishedAt: null, publishedBy: null });
      else if (def.version === 1) throw new ModelRegistryError(`model ${modelKey(def.id, 1)} is both built in and stored in model_versions (version 1 of a built-in model was never free to publish)`);
      else notServed.push(modelKey(def.id, def.version));
    }
    if (notServed.length > 0) {
      this.logger.warn(
        { component: 'model-registry', notServed },
        'built-in model versions not served: an administrator published these numbers here first, and they stay theirs (publish the built-in content as the next version to use it)',
      );
    }
    this.logger.info({ component: 'model-registry', builtIn: BUILT_IN_MODEL_VERSIONS.length - notServed.length, published: loaded }, 'escalation models loaded');
  }

  /** The synchronous resolver the case decider uses: exactly the pinned version, or undefined. */
  readonly resolve: ModelResolver = (id, version) => this.byId.get(id)?.get(version)?.definition;

  /** The version, looking in the database when this process does not know it yet. */
  async ensure(id: string, version: number): Promise<PublishedModel | undefined> {
    const known = this.byId.get(id)?.get(version);
    if (known) return known;
    await this.refresh(id);
    return this.byId.get(id)?.get(version);
  }

  /**
   * The newest version of `id` whoever it is for (after picking up versions published elsewhere), or undefined:
   * the last number of the model's one sequence of versions.
   */
  async latest(id: string): Promise<PublishedModel | undefined> {
    await this.refresh(id);
    return this.latestKnown(id);
  }

  /**
   * The version of `id` a new case in `municipality` gets by default (after picking up versions published
   * elsewhere), or undefined: see `defaultModelVersion` (its own newest, else the newest for all).
   */
  async defaultFor(id: string, municipality: string): Promise<PublishedModel | undefined> {
    await this.refresh(id);
    return defaultModelVersion(this.versionsOf(id, municipality), municipality, (m) => m.definition);
  }

  /** The newest version of `id` this process knows. */
  latestKnown(id: string): PublishedModel | undefined {
    const versions = this.byId.get(id);
    if (!versions || versions.size === 0) return undefined;
    return versions.get(Math.max(...versions.keys()));
  }

  /** Every version of `id` this process knows, oldest first; with `municipality`, only the versions for it. */
  versionsOf(id: string, municipality?: string): PublishedModel[] {
    const versions = [...(this.byId.get(id)?.values() ?? [])].sort((a, b) => a.definition.version - b.definition.version);
    return municipality === undefined ? versions : versions.filter((m) => modelAppliesTo(m.definition, municipality));
  }

  /** Every model id, sorted, after picking up versions published elsewhere. */
  async ids(): Promise<string[]> {
    await this.loadRows('SELECT id, version, definition, published_at, published_by FROM model_versions WHERE (id, version) NOT IN (SELECT * FROM unnest($1::text[], $2::int[]))', this.knownKeys());
    return [...this.byId.keys()].sort();
  }

  /** Loads versions of `id` newer than the newest this process knows. */
  async refresh(id: string): Promise<void> {
    const newest = this.latestKnown(id)?.definition.version ?? 0;
    await this.loadRows('SELECT id, version, definition, published_at, published_by FROM model_versions WHERE id = $1 AND version > $2 ORDER BY version', [id, newest]);
  }

  /** Registers a version (after loading or publishing it). A second, different registration is a bug. */
  add(model: PublishedModel): void {
    const { id, version } = model.definition;
    const versions = this.byId.get(id) ?? new Map<number, PublishedModel>();
    if (versions.has(version)) {
      if (versions.get(version)!.builtIn || model.builtIn) throw new ModelRegistryError(`model ${modelKey(id, version)} is both built in and stored in model_versions`);
      return;
    }
    versions.set(version, model);
    this.byId.set(id, versions);
  }

  private knownKeys(): [string[], number[]] {
    const ids: string[] = [];
    const versions: number[] = [];
    for (const [id, byVersion] of this.byId) {
      for (const v of byVersion.keys()) {
        ids.push(id);
        versions.push(v);
      }
    }
    return [ids, versions];
  }

  private async loadRows(sql: string, params: unknown[] = []): Promise<number> {
    const rows = (await this.db.query<ModelRow>(sql, params)).rows;
    for (const row of rows) {
      const key = modelKey(row.id, Number(row.version));
      // Loaded meanwhile by another refresh. (A built-in is never found here: at start-up the stored versions load
      // first, and later loads ask only for numbers this process does not know.)
      if (this.byId.get(row.id)?.has(Number(row.version))) continue;
      const raw = typeof row.definition === 'string' ? (JSON.parse(row.definition) as unknown) : row.definition;
      const def = checked(raw, `stored model ${key}`);
      if (def.id !== row.id || def.version !== Number(row.version)) {
        throw new ModelRegistryError(`stored model ${key} holds a definition of ${modelKey(def.id, def.version)}`);
      }
      this.add({ definition: def, builtIn: false, publishedAt: new Date(row.published_at).toISOString(), publishedBy: row.published_by });
    }
    return rows.length;
  }
}

/** Validates and freezes a definition, or throws `ModelRegistryError` naming every problem. */
function checked(def: unknown, label: string): ModelDefinition {
  try {
    assertValidModel(def);
  } catch (error) {
    if (error instanceof DomainError) throw new ModelRegistryError(`${label} cannot be used: ${error.message}`);
    throw error;
  }
  return freezeModel(structuredClone(def));
}
