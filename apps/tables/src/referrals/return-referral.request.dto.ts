import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Why the table returns the referral; the coordinator sees it on the case. */
export class ReturnReferralRequestDto {
  @ApiProperty({ example: 'Valt buiten de criteria van het casusoverleg', minLength: 1, maxLength: 2000 })
  @IsString() @MinLength(1) @MaxLength(2000)
  reason!: string;
}
