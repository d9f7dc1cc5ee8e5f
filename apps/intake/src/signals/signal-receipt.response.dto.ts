import { ApiProperty } from '@nestjs/swagger';
import { SIGNAL_STATUS, type SignalStatus } from '#domain';

/** The receipt of `POST /v1/signals/<source>`: a new signal's, or the first one's again for a resend. */
export class SignalReceiptResponseDto {
  @ApiProperty({ format: 'uuid' }) signalId: string;
  @ApiProperty({ format: 'date-time', description: 'When the signal was received (for a resend: the first receipt\'s)' }) receivedAt: string;
  @ApiProperty({
    enum: SIGNAL_STATUS,
    example: 'nieuw',
    description:
      'Where the signal stands in the triage queue. A new signal is `nieuw`. A resend (same `externalRef`, same `Idempotency-Key`, ' +
      'answered with `Idempotent-Replayed: true`) gets the status the signal has now: `gekoppeld` (linked to a subject), ' +
      '`in-behandeling` (in a case) or `afgewezen` (dismissed), or `nieuw` while the queue has not taken the signal in yet. ' +
      "A signal whose personal data was erased or destroyed by retention keeps its status, as GET /v1/signals/{id} shows it; the resent report is not stored again.",
  })
  status: SignalStatus;
}
