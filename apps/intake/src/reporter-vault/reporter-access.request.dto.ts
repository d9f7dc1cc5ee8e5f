import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsNotBlank } from '#platform';

/**
 * Why a coordinator reads a signal's shielded reporter. The reason is free text about people, sealed in the
 * recorded access: it travels in the body, because a URL ends up in proxy and access logs, browser history and
 * traces. It is trimmed before its length is checked and before it is sealed.
 */
export class ReporterAccessRequestDto {
  @ApiProperty({ minLength: 5, maxLength: 500, example: 'Terugkoppeling afstemmen met de melder', description: 'Why you need the identity, 5–500 characters after trimming (sealed in the recorded access)' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotBlank() @MinLength(5) @MaxLength(500)
  reason!: string;
}
