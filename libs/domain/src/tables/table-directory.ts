import type { TableDirectory } from '../cases/decide-case.js';
import type { TablesConfig } from './table-definition.js';

/** The table directory the case decider checks referrals against (`CaseDecisionContext.tables`). */
export function tableDirectoryOf(config: TablesConfig): TableDirectory {
  const byId = new Map(config.tables.map((t) => [t.id, t]));
  return (tableId) => byId.get(tableId) ?? null;
}
