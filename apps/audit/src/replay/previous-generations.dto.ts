import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The projection named in the path, checked as the replay request checks it. */
export class ProjectionNameDto {
  @IsString() @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  name!: string;
}

/** How many of the newest kept generations a drop leaves (default 0: all are dropped). */
export class DropPreviousQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1000, default: 0, description: 'The newest generations to keep' })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value)) @IsInt() @Min(0) @Max(1000)
  keep?: number;
}
