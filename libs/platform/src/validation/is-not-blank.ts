import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isVisibleText } from '#domain';

/**
 * Text with something visible in it (`isVisibleText`, constraint `notBlank`). `IsNotEmpty` and a trim before
 * `MinLength` let through text of only zero-width spaces, joiners, word joiners or BOMs: a reason nobody can read
 * that still counts its characters.
 */
export const IsNotBlank = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: (value: unknown) => isVisibleText(value),
        defaultMessage: (args) => `${args?.property ?? 'the value'} must have something visible in it, not only spaces or invisible characters`,
      },
    },
    options,
  );
