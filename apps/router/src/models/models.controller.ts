import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defaultModelVersion, DomainError } from '#domain';
import { validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { ListModelsQueryDto } from './list-models.query.dto.js';
import { ModelRegistry } from './model-registry.js';
import { modelSummaryResponse, modelVersionResponse } from './model.response.js';
import { PublishModelService } from './publish-model.service.js';

const VERSION = /^[1-9]\d{0,8}$/;

/** Escalation models: read by coordinators and administrators, published by administrators. */
@ApiTags('models')
@ApiBearerAuth()
@Roles('coordinator', 'admin')
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly publisher: PublishModelService,
  ) {}

  @Get()
  @ApiOperation({
    summary: "Every model: its latest version in full and the list of its versions, each with the municipalities it is for (null: all); with ?municipality only that municipality's versions",
  })
  @ApiQuery({ type: ListModelsQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>) {
    const { municipality } = validateDto(ListModelsQueryDto, { ...rawQuery });
    const ids = await this.registry.ids();
    if (municipality === undefined) return { items: ids.map((id) => modelSummaryResponse(this.registry.versionsOf(id))) };
    // For one municipality: its versions, with `latest` the one its new cases get (its own before the common one).
    const items = ids.flatMap((id) => {
      const versions = this.registry.versionsOf(id, municipality);
      const byDefault = defaultModelVersion(versions, municipality, (m) => m.definition);
      return byDefault ? [modelSummaryResponse(versions, byDefault)] : [];
    });
    return { items };
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One model version (MODEL.NOT_FOUND when there is no such version)' })
  async get(@Param('id') id: string, @Param('version') version: string) {
    const model = VERSION.test(version) ? await this.registry.ensure(id, Number(version)) : undefined;
    if (!model) throw new DomainError('MODEL.NOT_FOUND', 'No such model version', { model: id, version });
    return modelVersionResponse(model);
  }

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Publish a model version (admin): validated (422 MODEL.INVALID), numbered latest + 1 (409 MODEL.VERSION_CONFLICT)' })
  @ApiBody({ description: 'A model definition (see GET /v1/models for examples)', schema: { type: 'object' } })
  async publish(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const published = await this.publisher.publish(body, principal, (req as FastifyRequest & { traceparent?: string }).traceparent ?? null);
    void reply.header('location', `/v1/models/${published.definition.id}/versions/${published.definition.version}`);
    return modelVersionResponse(published);
  }
}
