import { Injectable } from '@nestjs/common';
import type { CaseSheet, CaseSheetWrite, SignalFacts } from '#domain';
import { quoteIdent, type ProjectionTableNames, type SqlExecutor } from '#eventstore';

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The live tables at their own names; a replay of `tables-case-sheets` passes its own (`<table>_replay_<n>`). */
export const LIVE_CASE_SHEET_TABLES: ProjectionTableNames = { tables_signal_facts: 'tables_signal_facts', tables_case_sheets: 'tables_case_sheets' };

const factsTable = (tables: ProjectionTableNames): string => quoteIdent(tables.tables_signal_facts!);
const sheetsTable = (tables: ProjectionTableNames): string => quoteIdent(tables.tables_case_sheets!);

/**
 * SQL of the tables app's case sheets and signal facts; every method runs in the caller's transaction (`writeSql` is a
 * statement's effect). `tables` names where they are: the live tables unless a replay passes its own.
 */
@Injectable()
export class CaseSheetStore {
  async insertFacts(tx: SqlExecutor, facts: readonly { facts: SignalFacts; municipality: string | null; specialCategory: boolean }[], tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES): Promise<void> {
    if (facts.length === 0) return;
    const params: unknown[] = [];
    const rows = facts.map((f) => {
      params.push(f.facts.signalId, f.municipality, JSON.stringify(f.facts), f.specialCategory);
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n}::boolean)`;
    });
    await tx.query(`INSERT INTO ${factsTable(tables)} (signal_id, municipality, facts, special_category) VALUES ${rows.join(', ')} ON CONFLICT (signal_id) DO NOTHING`, params);
  }

  async facts(tx: SqlExecutor, signalIds: readonly string[], tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES): Promise<Map<string, SignalFacts>> {
    if (signalIds.length === 0) return new Map();
    const r = await tx.query<{ signal_id: string; facts: unknown }>(`SELECT signal_id, facts FROM ${factsTable(tables)} WHERE signal_id = ANY($1::text[])`, [[...new Set(signalIds)]]);
    return new Map(r.rows.map((row) => [row.signal_id, parse<SignalFacts>(row.facts)]));
  }

  async sheets(tx: SqlExecutor, caseIds: readonly string[], tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES): Promise<Map<string, CaseSheet>> {
    if (caseIds.length === 0) return new Map();
    const r = await tx.query<{ case_id: string; sheet: unknown }>(`SELECT case_id, sheet FROM ${sheetsTable(tables)} WHERE case_id = ANY($1::text[])`, [[...new Set(caseIds)]]);
    return new Map(r.rows.map((row) => [row.case_id, parse<CaseSheet>(row.sheet)]));
  }

  /**
   * The effect (for `Inbox.handleOnceInStatementReporting`, guarded by its `claimed`) that stores a sheet write
   * without reading the sheet: the new sheet, or its fields merged into the stored one. Returns a row when it wrote.
   * Live only (the consumer's one-statement path); what it writes is what `evolveCaseSheet` gives (`caseSheetWriteOf`).
   */
  writeSql(write: CaseSheetWrite, param: (value: unknown) => string): string {
    if (write.kind === 'replace') {
      const s = write.sheet;
      return `INSERT INTO tables_case_sheets (case_id, municipality, sheet, updated_at)
              SELECT ${param(s.caseId)}, ${param(s.municipality)}, ${param(JSON.stringify(s))}::jsonb, now() WHERE EXISTS (SELECT 1 FROM claimed)
              ON CONFLICT (case_id) DO UPDATE SET municipality = EXCLUDED.municipality, sheet = EXCLUDED.sheet, updated_at = EXCLUDED.updated_at
              RETURNING 1`;
    }
    return `UPDATE tables_case_sheets SET sheet = sheet || ${param(JSON.stringify(write.fields))}::jsonb, updated_at = now()
             WHERE case_id = ${param(write.caseId)} AND EXISTS (SELECT 1 FROM claimed)
             RETURNING 1`;
  }

  /** Writes the sheets in one statement. */
  async saveSheets(tx: SqlExecutor, sheets: readonly CaseSheet[], tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES): Promise<void> {
    if (sheets.length === 0) return;
    const params: unknown[] = [];
    const rows = sheets.map((s) => {
      params.push(s.caseId, s.municipality, JSON.stringify(s));
      const n = params.length;
      return `($${n - 2}, $${n - 1}, $${n}::jsonb, now())`;
    });
    await tx.query(
      `INSERT INTO ${sheetsTable(tables)} (case_id, municipality, sheet, updated_at) VALUES ${rows.join(', ')}
       ON CONFLICT (case_id) DO UPDATE SET municipality = EXCLUDED.municipality, sheet = EXCLUDED.sheet, updated_at = EXCLUDED.updated_at`,
      params,
    );
  }
}
