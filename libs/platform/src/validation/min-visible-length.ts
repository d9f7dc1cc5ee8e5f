import { ValidateBy, type ValidationOptions } from 'class-validator';
import { visibleLength } from '#domain';

/**
 * Text of at least `min` characters as a reader sees them (`visibleLength`, constraint `minVisibleLength`).
 * `MinLength` counts zero-width spaces, word joiners, BOMs and direction marks, so they pad a short reason past
 * it; the longest text stays `MaxLength`, measured on the text as sent, which is what is kept.
 */
export const MinVisibleLength = (min: number, options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'minVisibleLength',
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && visibleLength(value) >= min,
        defaultMessage: (args) => `${args?.property ?? 'the value'} must have at least ${min} visible characters; invisible characters do not count, and a run of spaces counts as one`,
      },
    },
    options,
  );
