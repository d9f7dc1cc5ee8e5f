import { describe, expect, it } from '@jest/globals';
import { IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { DomainError } from '#domain';
import { IsNotBlank, validateDto } from '#platform';

class PlaceDto {
  @IsString()
  area!: string;
}

class NoteDto {
  @IsString() @IsNotBlank()
  text!: string;

  @ValidateNested() @Type(() => PlaceDto)
  place?: PlaceDto;
}

function refusalOf(body: unknown): DomainError {
  try {
    validateDto(NoteDto, body);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/**
 * An unknown field is named, which helps the caller, but class-validator's "property … should not exist" repeated
 * the key verbatim; a key that is a name and a BSN was personal data in the answer. A key that is no identifier is
 * named by a placeholder, at every level; one that is an identifier is named as it is.
 */
describe('validateDto names unknown fields', () => {
  it('an identifier by its name', () => {
    expect(refusalOf({ text: 'notitie', prioriteit: 'hoog' }).details).toEqual({
      errors: [{ path: 'prioriteit', constraints: ['whitelistValidation'], message: 'property prioriteit should not exist' }],
    });
  });

  it('a key that is a name and a BSN by a placeholder, in its path and its message', () => {
    const error = refusalOf({ text: 'notitie', 'J. Jansen BSN 111222333': 'x', place: { area: 'Centrum', 'Jan 0612345678': 1 } });
    expect(error.details).toEqual({
      errors: [
        { path: '(a field name that is not an identifier)', constraints: ['whitelistValidation'], message: 'property (a field name that is not an identifier) should not exist' },
        { path: 'place.(a field name that is not an identifier)', constraints: ['whitelistValidation'], message: 'property (a field name that is not an identifier) should not exist' },
      ],
    });
    expect(JSON.stringify(error)).not.toMatch(/111222333|0612345678/);
  });

  it('never more than 64 characters of a long one', () => {
    const [problem] = (refusalOf({ text: 'notitie', ['x'.repeat(5000)]: 1 }).details!.errors as { path: string; message: string }[]);
    expect(problem!.path).toHaveLength(64);
    expect(problem!.message.length).toBeLessThan(100);
  });
});

describe('IsNotBlank refuses text with nothing visible (constraint notBlank)', () => {
  it.each([['spaces', '   '], ['zero-width spaces', '\u200b\u200b'], ['a BOM and a word joiner', '\ufeff\u2060']])('%s', (_name, text) => {
    expect(refusalOf({ text }).details).toEqual({ errors: [expect.objectContaining({ path: 'text', constraints: ['notBlank'] })] });
  });

  it('and takes text with something visible', () => {
    expect(validateDto(NoteDto, { text: '\u200fمحمد' })).toMatchObject({ text: '\u200fمحمد' });
  });
});
