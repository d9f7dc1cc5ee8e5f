import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReplayReport } from '#eventstore';
import { ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, requireRole, Roles, type Principal } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { ProjectionReplayService } from './projection-replay.service.js';
import { ReplayProjectionRequestDto } from './replay-projection.request.dto.js';

/**
 * Rebuilds a projection from the log and compares it with the live tables. An auditor may only compare
 * (the replay tables are dropped afterwards); switching the live tables over is an admin action.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('v1/audit')
export class ProjectionReplayController {
  constructor(private readonly replays: ProjectionReplayService) {}

  @Get('projections')
  @ApiOperation({ summary: 'The projections this process can replay, with their tables' })
  projections() {
    return { items: this.replays.list() };
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rebuild a projection from position 0 into fresh tables and compare with the live ones (hash and row by row); `switch: true` (admin) swaps them in',
  })
  @ApiBody({ type: ReplayProjectionRequestDto })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.replay, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'ledger', subjects: () => [] })
  async replay(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ReplayReport> {
    const request = validateDto(ReplayProjectionRequestDto, body ?? {});
    // Comparing is read-only; replacing the live tables is not.
    if (request.switch) requireRole(principal, ['admin']);
    return this.replays.replay(request.projection, { switch: request.switch === true, maxDifferences: request.maxDifferences });
  }
}
