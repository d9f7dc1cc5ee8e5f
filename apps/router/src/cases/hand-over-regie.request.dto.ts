import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { RESPONSIBILITY_KINDS, type ResponsibilityKind } from '#domain';

/** Hand one responsibility to another holder (until a state that sets it is entered). */
export class HandOverRegieRequestDto {
  @ApiProperty({ enum: RESPONSIBILITY_KINDS })
  @IsIn(RESPONSIBILITY_KINDS as readonly string[])
  responsibility: ResponsibilityKind;

  @ApiProperty({ example: 'zvh', description: 'The organisation or function that takes it over' })
  @IsString() @MaxLength(200)
  holder: string;

  @ApiPropertyOptional({ description: 'Why (required: CASE.REASON_REQUIRED)' })
  @IsOptional() @IsString() @MaxLength(5000)
  reason?: string;
}
