import type { INestApplication } from '@nestjs/common';
import type { MunicipalityCalendars } from '#domain';
import type { Database, EventStore } from '#eventstore';
import { AdmissionControl, CLOCK, DATABASE, EVENT_STORE, KEYRING, OUTBOX_RELAY, ProcessMetrics } from '#platform';
import { CaseCommandService } from '../../src/cases/case-command.service.js';
import { CaseCommitBatcher } from '../../src/cases/case-commit.batcher.js';
import { CaseViewLoader } from '../../src/cases/case-view.loader.js';
import { CaseViewRepository } from '../../src/cases/case-view.repository.js';
import { MUNICIPALITY_CALENDARS } from '../../src/cases/municipality-calendars.provider.js';
import { TABLE_DIRECTORY } from '../../src/cases/table-directory.provider.js';
import { ModelRegistry } from '../../src/models/model-registry.js';

/**
 * "Another process": a case command service of its own (own loader, batcher and admission) over the running app's
 * database and event store. `commits` may wrap its batcher, e.g. to let another writer commit first; `calendars` are
 * the municipalities' closing days it runs with (default: the running app's), e.g. a process started with a changed file.
 */
export function anotherCaseCommandService(
  app: INestApplication,
  commits: (batcher: CaseCommitBatcher) => CaseCommitBatcher = (b) => b,
  calendars: MunicipalityCalendars = app.get<symbol, MunicipalityCalendars>(MUNICIPALITY_CALENDARS, { strict: false }),
): CaseCommandService {
  const cases = app.get(CaseViewRepository, { strict: false });
  const admission = new AdmissionControl({ maxLength: 5000, maxWaitMs: 2000 }, new ProcessMetrics());
  const batcher = new CaseCommitBatcher(app.get<symbol, Database>(DATABASE, { strict: false }), app.get<symbol, EventStore>(EVENT_STORE, { strict: false }), admission);
  return new CaseCommandService(
    app.get(CLOCK, { strict: false }),
    app.get(OUTBOX_RELAY, { strict: false }),
    app.get(ModelRegistry, { strict: false }),
    cases,
    new CaseViewLoader(cases, admission),
    commits(batcher),
    app.get(KEYRING, { strict: false }),
    app.get(TABLE_DIRECTORY, { strict: false }),
    calendars,
  );
}
