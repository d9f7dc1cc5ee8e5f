import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoInstant } from '#platform';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SIGNAL_SOURCES, SIGNAL_STATUS } from '#domain';

/** Filters and paging of the triage queue. */
export class ListSignalsQueryDto {
  @ApiPropertyOptional({ example: 'GM0153', description: 'Defaults to all municipalities in your token' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ enum: SIGNAL_SOURCES }) @IsOptional() @IsIn(SIGNAL_SOURCES as readonly string[])
  source?: string;

  @ApiPropertyOptional({ enum: SIGNAL_STATUS }) @IsOptional() @IsIn(SIGNAL_STATUS as readonly string[])
  status?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  receivedFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  receivedTo?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
