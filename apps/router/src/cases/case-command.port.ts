import type { TableRow } from '#eventstore';
import type { CaseCommand, CaseEvent, CaseState } from '#domain';
import type { InStatementProcessingLog } from '#platform';
import type { Principal } from '#security';

export interface CaseCommandResult {
  state: CaseState;
  /** The events this command appended ([] when it changed nothing). */
  events: CaseEvent[];
}

export interface CaseCommandOptions {
  principal: Principal | null;
  /** The version the caller decided on (If-Match); stale → 409 `EVENTSTORE.VERSION_CONFLICT` with `currentVersion`. */
  expectedVersion?: number;
  traceparent?: string | null;
  /** Shared by every event of this command; a new one when absent. */
  correlationId?: string;
  /**
   * The command brings special-category data into the case (a zorgmelding among its signals): this and
   * every later event of the case is marked `specialCategory`.
   */
  specialCategory?: boolean;
  /** The request's processing log, written in the command's own statement when it appends (about the case). */
  processingLog?: InStatementProcessingLog | null;
  /** More rows for the command's statement (e.g. the new case's data key), when it appends. */
  rows?: readonly TableRow[];
}

/**
 * Runs one case command: load the case's state, check the caller may act on it (municipality scope; a case
 * outside it is `CASE.NOT_FOUND`), check `expectedVersion` (If-Match; stale → `EVENTSTORE.VERSION_CONFLICT`
 * 409 with the current version), decide, and append the events together with the case read model in one
 * statement. `principal` is null for the product's own reactions (deadline timers), which act as
 * `{ id: 'system', role: 'system' }`. Implemented by `CaseCommandService`.
 */
export interface CaseCommandRunner {
  execute(caseId: string, command: CaseCommand, options: CaseCommandOptions): Promise<CaseCommandResult>;
}

export const CASE_COMMAND_RUNNER = Symbol('CASE_COMMAND_RUNNER');
