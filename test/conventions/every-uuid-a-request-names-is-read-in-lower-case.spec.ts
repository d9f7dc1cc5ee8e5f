import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';

/**
 * Ids are stored and compared as text in many places (stream ids, key owners, JSON payloads, `case_id` columns), where
 * `ABC…` and `abc…` are different strings although the validators take both. So every uuid a request names is read in
 * its canonical form, lower case (`CanonicalUuid` on a DTO field; `CanonicalUuidParamPipe` for path parameters). A
 * field validated as a uuid without it answered another thing for the same id: `GET /v1/liaison/escalations?caseId=`
 * with the case id in capitals listed none of the case's escalations.
 *
 * Walks every DTO field of every app (body and query, nested ones included) that class-validator checks with
 * `@IsUUID`, and reads it from a request that names the id in capitals.
 */

/** What class-validator records of one check of one field. */
interface FieldCheck {
  target: Function | string;
  propertyName: string;
  name?: string;
  each: boolean;
}

/** Every field check class-validator has, of every class the apps declare (loading `ALL_APPS` loads them all). */
function validatedFields(): FieldCheck[] {
  expect(ALL_APPS.length).toBeGreaterThan(0);
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, FieldCheck[]> };
  return [...storage.validationMetadatas.values()].flat();
}

const ID = '0B9B1C9E-1F0E-4C3A-9D55-2F7C3F1F2A10';

describe('a uuid a request names', () => {
  it('is read in lower case by every DTO field validated as a uuid', () => {
    const uuidFields = validatedFields().filter((m) => m.name === 'isUuid');
    expect(uuidFields.length).toBeGreaterThanOrEqual(5);
    const read = uuidFields.map((m) => {
      const dto = m.target as new () => Record<string, unknown>;
      const named = m.each ? [ID] : ID;
      return { field: `${dto.name}.${m.propertyName}`, value: plainToInstance(dto, { [m.propertyName]: named })[m.propertyName] };
    });
    expect(read.filter((r) => JSON.stringify(r.value) !== JSON.stringify(Array.isArray(r.value) ? [ID.toLowerCase()] : ID.toLowerCase()))).toEqual([]);
  });
});
