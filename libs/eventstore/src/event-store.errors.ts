import { DomainError } from '#domain';

/** The stream moved on since the writer read it (optimistic concurrency). */
export class VersionConflictError extends DomainError {
  constructor(streamId: string, expectedVersion: number, actualVersion: number) {
    super('EVENTSTORE.VERSION_CONFLICT', `stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`, {
      streamId,
      expectedVersion,
      actualVersion,
    });
  }
}
