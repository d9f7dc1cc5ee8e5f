import { decideRegisterSubject, DomainError, type RegisterSubjectInput } from '../src/index.js';

const CONTEXT = { now: new Date('2025-06-02T10:00:00Z'), newSubjectId: 'subject-1' };

function refusal(input: RegisterSubjectInput): DomainError {
  try {
    decideRegisterSubject(input, CONTEXT);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('registering a subject', () => {
  it('records a person with a normalised BSN and postcode, leaving absent fields out', () => {
    expect(decideRegisterSubject({ kind: 'person', municipality: 'GM0153', name: ' J. de Vries ', birthDate: '1980-05-17', bsn: '111222333', address: 'Dorpsstraat 2', postcode: '7511 aa' }, CONTEXT)).toEqual({
      subjectId: 'subject-1',
      kind: 'person',
      municipality: 'GM0153',
      name: 'J. de Vries',
      birthDate: '1980-05-17',
      bsn: '111222333',
      address: 'Dorpsstraat 2',
      postcode: '7511AA',
    });
  });

  it('records a business by KvK number alone, an address, and a youth group', () => {
    expect(decideRegisterSubject({ kind: 'business', municipality: 'GM0153', kvkNumber: '1234 5678' }, CONTEXT)).toEqual({ subjectId: 'subject-1', kind: 'business', municipality: 'GM0153', kvkNumber: '12345678' });
    expect(decideRegisterSubject({ kind: 'address', municipality: 'GM0153', address: 'Marktstraat 1' }, CONTEXT)).toMatchObject({ kind: 'address', address: 'Marktstraat 1' });
    expect(decideRegisterSubject({ kind: 'youth-group', municipality: 'GM0153', groupName: 'De Hangplek' }, CONTEXT)).toMatchObject({ kind: 'youth-group', groupName: 'De Hangplek' });
  });

  it('refuses a BSN that fails the 11-proef, without echoing it', () => {
    const error = refusal({ kind: 'person', municipality: 'GM0153', name: 'A', bsn: '111222334' });
    expect(error.code).toBe('SUBJECT.BSN_INVALID');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('111222334');
  });

  it.each<[string, RegisterSubjectInput, string, Record<string, unknown>]>([
    ['an unknown kind', { kind: 'vereniging', municipality: 'GM0153', name: 'X' }, 'SUBJECT.FIELD_INVALID', { field: 'kind' }],
    ['a bad municipality', { kind: 'person', municipality: 'Enschede', name: 'X' }, 'SUBJECT.FIELD_INVALID', { field: 'municipality' }],
    ['a person without a name', { kind: 'person', municipality: 'GM0153', bsn: '111222333' }, 'SUBJECT.FIELD_INVALID', { field: 'name' }],
    ['a blank name', { kind: 'person', municipality: 'GM0153', name: '   ' }, 'SUBJECT.FIELD_INVALID', { field: 'name' }],
    ['an address subject without an address', { kind: 'address', municipality: 'GM0153', postcode: '7511AA' }, 'SUBJECT.FIELD_INVALID', { field: 'address' }],
    ['a business with neither name nor KvK number', { kind: 'business', municipality: 'GM0153', address: 'Markt 1' }, 'SUBJECT.FIELD_INVALID', { field: 'name' }],
    ['a youth group without a group name', { kind: 'youth-group', municipality: 'GM0153', name: 'x' }, 'SUBJECT.FIELD_INVALID', { field: 'groupName' }],
    ['a BSN for a business', { kind: 'business', municipality: 'GM0153', name: 'X', bsn: '111222333' }, 'SUBJECT.FIELD_NOT_FOR_KIND', { field: 'bsn' }],
    ['a birth date for an address', { kind: 'address', municipality: 'GM0153', address: 'X 1', birthDate: '1980-01-01' }, 'SUBJECT.FIELD_NOT_FOR_KIND', { field: 'birthDate' }],
    ['a KvK number for a person', { kind: 'person', municipality: 'GM0153', name: 'X', kvkNumber: '12345678' }, 'SUBJECT.FIELD_NOT_FOR_KIND', { field: 'kvkNumber' }],
    ['a group name for a person', { kind: 'person', municipality: 'GM0153', name: 'X', groupName: 'Y' }, 'SUBJECT.FIELD_NOT_FOR_KIND', { field: 'groupName' }],
    ['a birth date that does not exist', { kind: 'person', municipality: 'GM0153', name: 'X', birthDate: '1980-02-30' }, 'SUBJECT.FIELD_INVALID', { field: 'birthDate' }],
    ['a birth date after today in Amsterdam', { kind: 'person', municipality: 'GM0153', name: 'X', birthDate: '2025-06-03' }, 'SUBJECT.FIELD_INVALID', { field: 'birthDate' }],
    ['a birth date before 1900', { kind: 'person', municipality: 'GM0153', name: 'X', birthDate: '1899-12-31' }, 'SUBJECT.FIELD_INVALID', { field: 'birthDate' }],
    ['a postcode that is not Dutch', { kind: 'address', municipality: 'GM0153', address: 'X 1', postcode: '75110' }, 'SUBJECT.FIELD_INVALID', { field: 'postcode' }],
    ['a KvK number of 7 digits', { kind: 'business', municipality: 'GM0153', kvkNumber: '1234567' }, 'SUBJECT.FIELD_INVALID', { field: 'kvkNumber' }],
  ])('refuses %s', (_what, input, code, details) => {
    const error = refusal(input);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject(details);
  });

  it('accepts someone born today', () => {
    expect(decideRegisterSubject({ kind: 'person', municipality: 'GM0153', name: 'Baby', birthDate: '2025-06-02' }, CONTEXT).birthDate).toBe('2025-06-02');
  });
});
