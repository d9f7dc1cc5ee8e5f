import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { NOTE_VISIBILITIES, type NoteVisibility } from '#domain';

/** A note on the case: `intern` stays with the municipality, `deelbaar` may go to a table. */
export class AddNoteRequestDto {
  @ApiProperty() @IsString() @MaxLength(20_000)
  text: string;

  @ApiProperty({ enum: NOTE_VISIBILITIES })
  @IsIn(NOTE_VISIBILITIES as readonly string[])
  visibility: NoteVisibility;
}
