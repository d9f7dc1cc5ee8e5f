import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoInstant } from '#platform';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Filters and paging of the case list. */
export class ListCasesQueryDto {
  @ApiPropertyOptional({ example: 'GM0153', description: 'Defaults to all municipalities in your token' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ example: 'ave', description: 'Model id' }) @IsOptional() @Matches(/^[a-z0-9-]{1,100}$/)
  model?: string;

  @ApiPropertyOptional({ example: 'ave-3', description: 'Current state id' }) @IsOptional() @Matches(/^[a-z0-9-]{1,100}$/)
  state?: string;

  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed'])
  status?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  openedFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsIsoInstant()
  openedTo?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
