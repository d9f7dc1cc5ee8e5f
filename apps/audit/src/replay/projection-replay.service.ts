import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#domain';
import { ProjectionReplayer, type Database, type PreviousGeneration, type ProjectionDefinition, type ReplayOptions, type ReplayReport } from '#eventstore';
import { DATABASE, PROJECTIONS } from '#platform';

/**
 * Replays the projections of the apps running in this process (`PROJECTIONS`, from their descriptors).
 * One replay per projection at a time in this process: two switches of the same tables must not interleave, nor
 * a switch with dropping the generations it keeps.
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
  replay(name: string, options: ReplayOptions): Promise<ReplayReport> {
    return this.exclusively(name, () => this.replayer.replay(name, options));
  }

  /** @throws DomainError `REPLAY.PROJECTION_UNKNOWN` (404) */
  previous(name: string): Promise<PreviousGeneration[]> {
    return this.replayer.previous(name);
  }

  /** @throws DomainError `REPLAY.PROJECTION_UNKNOWN` (404), `REPLAY.IN_PROGRESS` (409) */
  dropPrevious(name: string, keep: number): Promise<{ dropped: PreviousGeneration[]; kept: PreviousGeneration[] }> {
    // Not beside a switch of the same projection: the generation it adds would make what the drop reports as kept untrue.
    return this.exclusively(name, () => this.replayer.dropPrevious(name, { keep }));
  }

  private async exclusively<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.replayer.definition(name);
    if (this.running.has(name)) throw new DomainError('REPLAY.IN_PROGRESS', `A replay, switch or drop of "${name}" is already running`, { projection: name });
    this.running.add(name);
    try {
      return await work();
    } finally {
      this.running.delete(name);
    }
  }
}
