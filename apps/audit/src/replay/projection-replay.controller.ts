import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { PreviousGeneration, ReplayReport } from '#eventstore';
import { ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, requireRole, Roles, type Principal } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { DropPreviousQueryDto, ProjectionNameDto } from './previous-generations.dto.js';
import { ProjectionReplayService } from './projection-replay.service.js';
import { ReplayProjectionRequestDto } from './replay-projection.request.dto.js';

/**
 * Rebuilds a projection from the log and compares it with the live tables. An auditor may only compare
 * (the replay tables are dropped afterwards) and see the generations a switch kept; switching the live tables
 * over and dropping the kept generations are admin actions.
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

  @Get('projections/:name/previous')
  @ApiOperation({ summary: 'The former live tables each switch kept (`<table>_previous_<tag>`), newest first, with when they were switched out' })
  @ApiParam({ name: 'name', example: 'triage-queue' })
  // The kept tables are copies of read models with personal data, logged as the replay that made them.
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.replay, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'ledger', subjects: () => [] })
  async previous(@Param('name') name: string): Promise<{ items: PreviousGeneration[] }> {
    return { items: await this.replays.previous(validateDto(ProjectionNameDto, { name }).name) };
  }

  @Delete('projections/:name/previous')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop the kept former live tables of a projection except the newest `keep` generations (admin), each generation in its own transaction' })
  @ApiParam({ name: 'name', example: 'triage-queue' })
  @ApiQuery({ type: DropPreviousQueryDto })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.replay, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'ledger', subjects: () => [] })
  async dropPrevious(@Param('name') name: string, @Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<{ dropped: PreviousGeneration[]; kept: PreviousGeneration[] }> {
    // Dropping is irreversible: the role is checked before anything of the request is read.
    requireRole(principal, ['admin']);
    const projection = validateDto(ProjectionNameDto, { name }).name;
    return this.replays.dropPrevious(projection, validateDto(DropPreviousQueryDto, { ...query }).keep ?? 0);
  }
}
