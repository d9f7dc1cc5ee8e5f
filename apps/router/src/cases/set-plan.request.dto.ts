import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MEASURE_TYPES, type MeasureType } from '#domain';

export class PlanMeasureRequestDto {
  @ApiProperty({ enum: MEASURE_TYPES })
  @IsIn(MEASURE_TYPES as readonly string[])
  type: MeasureType;

  @ApiProperty() @IsString() @MaxLength(5000)
  description: string;

  @ApiProperty({ example: 'politie', description: 'The partner or person who carries it out' }) @IsString() @MaxLength(200)
  owner: string;

  @ApiProperty({ example: '2026-12-31', format: 'date' }) @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate: string;
}

/** Set (or replace) the plan van aanpak. */
export class SetPlanRequestDto {
  @ApiProperty({ type: [PlanMeasureRequestDto] })
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => PlanMeasureRequestDto)
  measures: PlanMeasureRequestDto[];
}
