import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank, MinVisibleLength } from '#platform';

/** `POST /v1/subjects/{id}/erasure`: why the subject's personal data is erased (recorded with the destruction). */
export class EraseSubjectRequestDto {
  @ApiProperty({ description: 'Why (e.g. the data subject’s request under AVG art. 17, with its reference); at least 10 visible characters, at most 1000', minLength: 10, maxLength: 1000 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotBlank() @MinVisibleLength(10) @MaxLength(1000)
  reason!: string;
}
