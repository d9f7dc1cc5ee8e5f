import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoInstant } from '#platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Who processed whose data: filter by subject (pseudonymised before lookup), actor and time. */
export class ProcessingLogQueryDto {
  @ApiPropertyOptional({ description: 'Data subject id (e.g. a signal id); hashed with the processing-log key before lookup' })
  @IsOptional() @IsString() @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ description: 'Actor id (token subject)' })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
