import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { MinVisibleLength } from '#platform';

/** `POST /v1/legal-holds/{id}/lift`: why the hold ends. */
export class LiftLegalHoldRequestDto {
  @ApiProperty({ description: 'Why the hold ends (e.g. the investigation was closed, with its reference); at least 10 visible characters, at most 1000', minLength: 10, maxLength: 1000 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MinVisibleLength(10) @MaxLength(1000)
  reason!: string;
}
