import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { DISMISSAL_REASON_LENGTH } from '#domain';

/**
 * Why a signal needs no further handling (recorded in the event). `MinLength` is a first check on the text as sent;
 * the decider counts the shortest reason on what a reader sees (`visibleLength`), so a reason padded with invisible
 * characters is refused there, `SIGNAL.DISMISSAL_REASON_INVALID`, as one blank after trimming is.
 */
export class DismissSignalRequestDto {
  @ApiProperty({ minLength: DISMISSAL_REASON_LENGTH.min, maxLength: DISMISSAL_REASON_LENGTH.max, example: 'Geen gemeentelijke taak; doorverwezen naar de politie.' })
  @IsString() @MinLength(DISMISSAL_REASON_LENGTH.min) @MaxLength(DISMISSAL_REASON_LENGTH.max)
  reason: string;
}
