import type { ModelDefinition } from '#domain';
import type { PublishedModel } from './published-model.js';

/** How a model version is shown: its definition plus where it came from. */
export function modelVersionResponse(model: PublishedModel): { definition: ModelDefinition; builtIn: boolean; publishedAt: string | null; publishedBy: string | null } {
  return { definition: model.definition, builtIn: model.builtIn, publishedAt: model.publishedAt, publishedBy: model.publishedBy };
}

/** A model in the list: its latest version in full and every version's metadata. */
export function modelSummaryResponse(versions: PublishedModel[]) {
  const latest = versions[versions.length - 1]!;
  return {
    id: latest.definition.id,
    title: latest.definition.title,
    description: latest.definition.description,
    latestVersion: latest.definition.version,
    versions: versions.map((m) => ({ version: m.definition.version, builtIn: m.builtIn, publishedAt: m.publishedAt, publishedBy: m.publishedBy })),
    latest: latest.definition,
  };
}
