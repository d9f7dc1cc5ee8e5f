import { CanonicalUuid } from '#platform';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Add a signal (of the case's municipality) to an existing case. */
export class AddSignalRequestDto {
  @ApiProperty({ format: 'uuid' }) @CanonicalUuid() @IsUUID('all')
  signalId: string;
}
