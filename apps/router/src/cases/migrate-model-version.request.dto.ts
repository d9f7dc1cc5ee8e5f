import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Move a case to another version of its model: explicit, with a state mapping, recorded. */
export class MigrateModelVersionRequestDto {
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(1_000_000)
  toVersion: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { 'ave-3': 'ave-3' }, description: 'Old state id → new state id; the current state maps to itself when left out' })
  @IsObject()
  stateMapping: Record<string, string>;

  @ApiPropertyOptional({ description: 'Why (required: CASE.REASON_REQUIRED)' })
  @IsOptional() @IsString() @MaxLength(5000)
  reason?: string;
}
