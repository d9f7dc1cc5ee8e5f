import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { BREAK_GLASS_STATUSES, type BreakGlassStatus } from '#platform';

/** Which break-the-glass accesses to list: by review status, municipality entered and actor. */
export class BreakGlassAccessesQueryDto {
  @ApiPropertyOptional({ enum: BREAK_GLASS_STATUSES, default: 'open', description: '`open`: awaiting review; `reviewed`; `all`' })
  @IsOptional() @IsIn(BREAK_GLASS_STATUSES)
  status?: BreakGlassStatus;

  @ApiPropertyOptional({ example: 'GM0599', description: 'The municipality entered (CBS code)' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ description: 'Actor id (token subject) who broke the glass' })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
