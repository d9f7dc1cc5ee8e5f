/**
 * CBS municipality code (gemeentecode), e.g. `GM0153` for Enschede: `GM` followed by four digits.
 * Every signal and case belongs to exactly one municipality, identified by this code.
 */
export type MunicipalityCode = `GM${string}`;

const MUNICIPALITY_CODE = /^GM\d{4}$/;

/** True when `value` is a well-formed CBS municipality code (`/^GM\d{4}$/`, upper case, no spaces). */
export function isMunicipalityCode(value: unknown): value is MunicipalityCode {
  return typeof value === 'string' && MUNICIPALITY_CODE.test(value);
}
