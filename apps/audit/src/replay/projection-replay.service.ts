import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#domain';
import { ProjectionReplayer, type Database, type ProjectionDefinition, type ReplayOptions, type ReplayReport } from '#eventstore';
import { DATABASE, PROJECTIONS } from '#platform';

/**
 * Replays the projections of the apps running in this process (`PROJECTIONS`, from their descriptors).
 * One replay per projection at a time in this process: two switches of the same tables must not interleave.
 */
@Injectable()
export class ProjectionReplayService {
  private readonly replayer: ProjectionReplayer;
  private readonly running = new Set<string>();

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(PROJECTIONS) projections: ProjectionDefinition[],
  ) {
    this.replayer = new ProjectionReplayer(db, projections);
  }

  list() {
    return this.replayer.list();
  }

  /** @throws DomainError `REPLAY.PROJECTION_UNKNOWN` (404), `REPLAY.IN_PROGRESS` (409) */
  async replay(name: string, options: ReplayOptions): Promise<ReplayReport> {
    this.replayer.definition(name);
    if (this.running.has(name)) throw new DomainError('REPLAY.IN_PROGRESS', `A replay of "${name}" is already running`, { projection: name });
    this.running.add(name);
    try {
      return await this.replayer.replay(name, options);
    } finally {
      this.running.delete(name);
    }
  }
}
