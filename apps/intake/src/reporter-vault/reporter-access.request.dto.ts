import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank, MinVisibleLength } from '#platform';

/**
 * Why a coordinator reads a signal's shielded reporter. The reason is free text about people, sealed in the
 * recorded access: it travels in the body, because a URL ends up in proxy and access logs, browser history and
 * traces. It is trimmed before its length is checked and before it is sealed; its shortest length counts only what
 * a reader sees (`MinVisibleLength`).
 */
export class ReporterAccessRequestDto {
  @ApiProperty({ minLength: 5, maxLength: 500, example: 'Terugkoppeling afstemmen met de melder', description: 'Why you need the identity: at least 5 visible characters, at most 500 after trimming (sealed in the recorded access)' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotBlank() @MinVisibleLength(5) @MaxLength(500)
  reason!: string;
}
