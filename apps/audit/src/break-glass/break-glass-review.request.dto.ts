import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { BREAK_GLASS_VERDICTS, IsNotBlank, MinVisibleLength, type BreakGlassVerdict } from '#platform';

/** The verdict on one break-the-glass access, with what it rests on. */
export class BreakGlassReviewRequestDto {
  @ApiProperty({ enum: BREAK_GLASS_VERDICTS })
  @IsIn(BREAK_GLASS_VERDICTS)
  verdict!: BreakGlassVerdict;

  @ApiProperty({ minLength: 10, maxLength: 2000, example: 'Nagevraagd bij de gemeente: acuut risico, toegang terecht' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @IsNotBlank() @MinVisibleLength(10) @MaxLength(2000)
  note!: string;
}
