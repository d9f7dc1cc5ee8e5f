import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CanonicalUuid } from '#platform';

/** Filters of the escalation list. */
export class ListEscalationsQueryDto {
  @ApiPropertyOptional({ example: 'GM0153', description: 'Defaults to every municipality in your token' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'coordinator-alerted'] })
  @IsOptional() @IsIn(['open', 'acknowledged', 'coordinator-alerted'])
  status?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Coordinators only: the escalations of one case (liaisons never see case ids: 403 AUTH.FILTER_NOT_ALLOWED)" })
  @CanonicalUuid() @IsOptional() @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (nextCursor)' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
