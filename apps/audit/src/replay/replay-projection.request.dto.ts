import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Which projection to rebuild and compare; `switch` (admin only) makes the rebuilt tables live. */
export class ReplayProjectionRequestDto {
  @ApiProperty({ example: 'triage-queue', description: 'Projection name (see GET /v1/audit/projections)' })
  @IsString() @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  projection!: string;

  @ApiPropertyOptional({ default: false, description: 'Blue-green switch to the replayed tables after comparing (role admin only)' })
  @IsOptional() @IsBoolean()
  switch?: boolean;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100, description: 'Differing rows listed per table' })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  maxDifferences?: number;
}
