import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { suggestMatches, type MatchReason } from '#domain';
import { KEYRING, ProcessesPersonalData, type Keyring } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import type { RouterSignalsReader } from '../signals/router-signal.js';
import { ROUTER_SIGNALS } from '../signals/router-signals.module.js';
import { TRIAGE_PROCESSING } from '../triage/triage-processing.js';
import { signalNotFound } from '../signals/signal-not-found.js';
import { registeredSubjectOf, SubjectsRepository } from './subjects.repository.js';

/** Most suggestions returned. */
const MAX_SUGGESTIONS = 20;

export interface SubjectSuggestionItem {
  subjectId: string;
  kind: string;
  /** What the coordinator recognises the subject by; the BSN is left out (the reason `bsn` says it matched). */
  name: string | null;
  birthDate: string | null;
  address: string | null;
  postcode: string | null;
  kvkNumber: string | null;
  groupName: string | null;
  score: number;
  reasons: MatchReason[];
}

/** Which registered subjects a signal may be about, ranked by the matching rules of #domain. */
@ApiTags('triage')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/signals')
export class SubjectSuggestionsController {
  constructor(
    @Inject(ROUTER_SIGNALS) private readonly signals: RouterSignalsReader,
    private readonly subjects: SubjectsRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get(':id/subject-suggestions')
  // The persons shown are the subjects: one line per suggested subject (name, birth date, address are returned).
  @ProcessesPersonalData({ ...TRIAGE_PROCESSING, purpose: 'Zoeken naar het subject waarover een signaal gaat (kandidaten tonen)', subjectType: 'subject', subjects: (_req, body) => ((body as { suggestions?: { subjectId: string }[] } | undefined)?.suggestions ?? []).map((s) => s.subjectId) })
  @ApiOperation({ summary: "Subjects of the signal's municipality that match its hints (BSN, KvK number, name with birth date, address), best first" })
  async suggestions(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => signalNotFound() })) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ signalId: string; suggestions: SubjectSuggestionItem[] }> {
    const signal = await this.signals.get(id, principal.municipalities);
    if (!signal) throw signalNotFound();
    // The hints are sealed under the signal's data key; an erased signal has none left and matches nothing.
    const { value: hints } = await this.keyring.reveal(signal.hints);
    const candidates = await this.subjects.candidates(signal.municipality, hints);
    const byId = new Map(candidates.map((s) => [s.subjectId, s]));
    const ranked = suggestMatches(hints, candidates.map(registeredSubjectOf)).slice(0, MAX_SUGGESTIONS);
    return {
      signalId: id,
      suggestions: ranked.map((m) => {
        const s = byId.get(m.subjectId)!;
        return {
          subjectId: s.subjectId, kind: s.kind, name: s.name, birthDate: s.birthDate, address: s.address, postcode: s.postcode,
          kvkNumber: s.kvkNumber, groupName: s.groupName, score: m.score, reasons: m.reasons,
        };
      }),
    };
  }
}
