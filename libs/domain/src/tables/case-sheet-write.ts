import type { CaseEvent } from '../cases/case-event.js';
import { evolveCaseSheet, type CaseSheet } from './case-sheet.js';

/**
 * How a case event changes the tables app's sheet when that change does not depend on the sheet: a whole new sheet
 * (`CaseOpened`) or fields the event sets outright (`CaseTransitioned`: state and responsibilities; `CaseClosed`:
 * state and closed; `CaseModelMigrated`: model, version, state and responsibilities), which the store merges into the stored sheet. The consumer then writes it in the statement that
 * claims the event, without reading the sheet first. Null for every other event: its change depends on the sheet
 * (a signal added, a note, a hand-over of one responsibility) or there is none. Always what `evolveCaseSheet` gives.
 */
export type CaseSheetWrite = { kind: 'replace'; sheet: CaseSheet } | { kind: 'merge'; caseId: string; fields: Partial<CaseSheet> };

export function caseSheetWriteOf(event: CaseEvent): CaseSheetWrite | null {
  switch (event.type) {
    case 'CaseOpened':
      return { kind: 'replace', sheet: evolveCaseSheet(null, event)! };
    case 'CaseTransitioned':
      return { kind: 'merge', caseId: event.caseId, fields: { state: event.to, responsibilities: { ...event.responsibilities } } };
    case 'CaseModelMigrated':
      return { kind: 'merge', caseId: event.caseId, fields: { modelId: event.modelId, modelVersion: event.toVersion, state: event.toState, responsibilities: { ...event.responsibilities } } };
    case 'CaseClosed':
      return { kind: 'merge', caseId: event.caseId, fields: { state: event.state, closed: true } };
    default:
      return null;
  }
}
