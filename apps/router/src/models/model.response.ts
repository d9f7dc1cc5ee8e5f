import type { ModelDefinition } from '#domain';
import type { PublishedModel } from './published-model.js';

/** The municipalities a version is for, or null when it is for every municipality. */
const municipalitiesOf = (model: PublishedModel): readonly string[] | null => model.definition.municipalities ?? null;

/** How a model version is shown: its definition, the municipalities it is for, and where it came from. */
export function modelVersionResponse(model: PublishedModel): {
  definition: ModelDefinition;
  municipalities: readonly string[] | null;
  builtIn: boolean;
  publishedAt: string | null;
  publishedBy: string | null;
} {
  return { definition: model.definition, municipalities: municipalitiesOf(model), builtIn: model.builtIn, publishedAt: model.publishedAt, publishedBy: model.publishedBy };
}

/** A model in the list: the latest of `versions` in full (at least one, oldest first) and each version's metadata. */
export function modelSummaryResponse(versions: PublishedModel[], latest: PublishedModel = versions[versions.length - 1]!) {
  return {
    id: latest.definition.id,
    title: latest.definition.title,
    description: latest.definition.description,
    latestVersion: latest.definition.version,
    municipalities: municipalitiesOf(latest),
    versions: versions.map((m) => ({ version: m.definition.version, builtIn: m.builtIn, publishedAt: m.publishedAt, publishedBy: m.publishedBy, municipalities: municipalitiesOf(m) })),
    latest: latest.definition,
  };
}
