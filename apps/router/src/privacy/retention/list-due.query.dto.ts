import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** Filters and paging of the retention preview. */
export class ListDueQueryDto {
  @ApiPropertyOptional({ example: 'GM0153', description: 'Only this one of the municipalities of your token' })
  @IsOptional() @Matches(/^GM\d{4}$/)
  municipality?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** How many recent runs to show. */
export class ListRunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  limit?: number;
}
