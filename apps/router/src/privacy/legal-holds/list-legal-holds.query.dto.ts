import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Filters and paging of the active legal holds. */
export class ListLegalHoldsQueryDto {
  @ApiPropertyOptional({ example: 'GM0153', description: 'One of the municipalities of your token (default: all of them)' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}
