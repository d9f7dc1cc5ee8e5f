import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { validateDto } from '#platform';

class NoteDto {
  @IsString()
  text!: string;
}

/**
 * A body is checked against its DTO with every unknown field refused. A field named `constructor` (or `prototype`)
 * was dropped by class-transformer before the check, so a body carrying one passed as if it were not there.
 */
describe('validateDto', () => {
  it.each([
    ['constructor', { text: 'notitie', constructor: 'x' }],
    ['prototype', { text: 'notitie', prototype: { a: 1 } }],
  ])('refuses a field named %s like any unknown field', (name, body) => {
    expect(() => validateDto(NoteDto, JSON.parse(JSON.stringify(body)))).toThrow(
      expect.objectContaining({ code: 'VALIDATION.FAILED', details: { errors: [expect.objectContaining({ path: name, constraints: ['whitelistValidation'] })] } }),
    );
  });

  it('accepts the fields it knows', () => {
    expect(validateDto(NoteDto, { text: 'notitie' })).toMatchObject({ text: 'notitie' });
  });
});
