import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Refer the case to a table its current state allows (CASE.REFERRAL_NOT_ALLOWED otherwise). */
export class ReferCaseRequestDto {
  @ApiProperty({ example: 'zvh-casusoverleg' }) @Matches(/^[a-z0-9-]{1,100}$/)
  table: string;

  @ApiPropertyOptional({ description: 'Why (required: CASE.REASON_REQUIRED)' })
  @IsOptional() @IsString() @MaxLength(5000)
  reason?: string;
}
