import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Add a signal (of the case's municipality) to an existing case. */
export class AddSignalRequestDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  signalId: string;
}
