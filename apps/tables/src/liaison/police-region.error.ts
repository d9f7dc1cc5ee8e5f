/**
 * A police liaison asking for the escalations of a municipality the `politie` table does not serve (HTTP 403): no
 * liaison receives those (they reach the coordinator instead). Carries its own status the way the security library's
 * errors do, because the generic code-to-status rules only give `AUTH.*` codes ending in `.NOT_ALLOWED` a 403. Code
 * stable: `LIAISON.MUNICIPALITY_NOT_SERVED`.
 */
export class PoliceRegionError extends Error {
  readonly code = 'LIAISON.MUNICIPALITY_NOT_SERVED';
  readonly httpStatus = 403;

  constructor() {
    super('The police liaison table does not serve this municipality: its escalations reach no liaison');
    this.name = 'PoliceRegionError';
  }
}
