import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

/** `POST /v1/legal-holds/{id}/lift`: why the hold ends. */
export class LiftLegalHoldRequestDto {
  @ApiProperty({ description: 'Why the hold ends (e.g. the investigation was closed, with its reference); 10–1000 characters', minLength: 10, maxLength: 1000 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @Length(10, 1000)
  reason!: string;
}
