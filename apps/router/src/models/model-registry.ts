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
 * Every model version this process knows: the built-ins (every shipped version) plus the versions published in `model_versions`,
 * loaded and validated at start-up (an invalid one stops start-up, naming the problem). Cases are pinned to
 * a version, so all versions stay available. Versions published by another process are picked up on a
 * cache miss (`ensure`) and whenever the latest version or the full list is asked for.
 */
@Injectable()
export class ModelRegistry implements OnModuleInit {
  private readonly byId = new Map<string, Map<number, PublishedModel>>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every shipped version, older ones included: cases stay pinned to the version they were opened on.
    for (const def of BUILT_IN_MODEL_VERSIONS) {
      this.add({ definition: checked(def, `built-in model ${modelKey(def.id, def.version)}`), builtIn: true, publishedAt: null, publishedBy: null });
    }
    const loaded = await this.loadRows('SELECT id, version, definition, published_at, published_by FROM model_versions ORDER BY id, version');
    this.logger.info({ component: 'model-registry', builtIn: BUILT_IN_MODEL_VERSIONS.length, published: loaded }, 'escalation models loaded');
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
      if (this.byId.get(row.id)?.has(Number(row.version))) {
        if (this.byId.get(row.id)!.get(Number(row.version))!.builtIn) throw new ModelRegistryError(`model ${key} is both built in and stored in model_versions`);
        continue;
      }
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
