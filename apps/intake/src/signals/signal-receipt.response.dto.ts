import { ApiProperty } from '@nestjs/swagger';

export class SignalReceiptResponseDto {
  @ApiProperty({ format: 'uuid' }) signalId: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ example: 'nieuw' }) status: string;
}
