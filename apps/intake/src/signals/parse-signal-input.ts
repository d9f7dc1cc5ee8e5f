import { DomainError, scanReporterFields, SIGNAL_ERRORS, type ReceiveSignalCommand as DomainCommand, type SignalSource } from '#domain';
import { validateDto } from '#platform';
import { ReceiveInternMeldpuntSignalRequestDto } from './receive-intern-meldpunt-signal.request.dto.js';
import { ReceiveMmaSignalRequestDto } from './receive-mma-signal.request.dto.js';
import { ReceiveZorgmeldingSignalRequestDto } from './receive-zorgmelding-signal.request.dto.js';

/**
 * The edge check shared by HTTP and Kafka intake. For MMA the reporter check runs on the raw body first,
 * so a reporter field is refused as `SIGNAL.REPORTER_NOT_ALLOWED` instead of being reported (and thereby
 * echoed) as an unknown field. Then the DTO refuses unknown fields and wrong types.
 */
export function parseSignalInput(source: SignalSource, body: unknown): DomainCommand {
  switch (source) {
    case 'mma': {
      const { paths, depthExceeded } = scanReporterFields(body);
      if (depthExceeded) {
        throw new DomainError(SIGNAL_ERRORS.PAYLOAD_TOO_DEEP, 'The payload nests too deep to check it for reporter details');
      }
      if (paths.length > 0) {
        throw new DomainError(SIGNAL_ERRORS.REPORTER_NOT_ALLOWED, 'MMA tips are anonymous: the payload must not carry reporter details', { paths });
      }
      validateDto(ReceiveMmaSignalRequestDto, body);
      return { source, input: body as DomainCommand['input'] & { externalRef: string } } as DomainCommand;
    }
    case 'intern-meldpunt':
      validateDto(ReceiveInternMeldpuntSignalRequestDto, body);
      return { source, input: body } as DomainCommand;
    case 'zorgmelding':
      validateDto(ReceiveZorgmeldingSignalRequestDto, body);
      return { source, input: body } as DomainCommand;
    default: {
      const unknown: never = source;
      throw new DomainError('SIGNAL.SOURCE_UNKNOWN', `unknown source ${String(unknown)}`);
    }
  }
}
