/**
 * A table member acting on a table they do not sit on (HTTP 403). Carries its own status the way the
 * security library's errors do, because the generic code-to-status rules only give `AUTH.*` codes ending
 * in `.NOT_ALLOWED` a 403. Code stable: `AUTH.TABLE_NOT_ALLOWED`.
 */
export class TableAccessError extends Error {
  readonly code = 'AUTH.TABLE_NOT_ALLOWED';
  readonly httpStatus = 403;

  constructor() {
    super('You do not sit on this table');
    this.name = 'TableAccessError';
  }
}
