import type { ModelDefinition } from '#domain';

/** One usable model version: a built-in (shipped in code) or one an administrator published. */
export interface PublishedModel {
  definition: ModelDefinition;
  builtIn: boolean;
  /** When it was published (null for built-ins). */
  publishedAt: string | null;
  /** Token subject of the administrator who published it (null for built-ins). */
  publishedBy: string | null;
}

/** Event-store stream of a model's published versions. */
export const modelStreamId = (modelId: string): string => `model-${modelId}`;

/** The event appended when an administrator publishes a model version. */
export const MODEL_VERSION_PUBLISHED_EVENT_TYPE = 'ModelVersionPublished';
export const MODEL_VERSION_PUBLISHED_EVENT_VERSION = 1;

/** Processing activity and legal basis recorded on model events (no personal data but the publisher's id). */
export const MODEL_PROCESSING = {
  activity: 'modelbeheer',
  legalBasis: 'AVG art. 6(1)(e) publieke taak: inrichting van de werkprocessen (escalatiemodellen) van de gemeente',
} as const;
