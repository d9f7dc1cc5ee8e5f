import { CanonicalUuid } from '#platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** The subject a signal is about. */
export class LinkSignalRequestDto {
  @ApiProperty({ format: 'uuid', description: "A subject of the signal's municipality" })
  @CanonicalUuid()
  @IsUUID()
  subjectId: string;
}
