import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { DISMISSAL_REASON_LENGTH } from '#domain';

/** Why a signal needs no further handling (recorded in the event). */
export class DismissSignalRequestDto {
  @ApiProperty({ minLength: DISMISSAL_REASON_LENGTH.min, maxLength: DISMISSAL_REASON_LENGTH.max, example: 'Geen gemeentelijke taak; doorverwezen naar de politie.' })
  @IsString() @MinLength(DISMISSAL_REASON_LENGTH.min) @MaxLength(DISMISSAL_REASON_LENGTH.max)
  reason: string;
}
