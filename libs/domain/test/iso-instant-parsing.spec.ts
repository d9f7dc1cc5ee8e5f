import { parseIsoInstant } from '../src/index.js';

describe('received dates are strict ISO 8601 instants with an offset', () => {
  it.each([
    ['2025-06-01T09:30:00Z', '2025-06-01T09:30:00.000Z'],
    ['2025-06-01T09:30:00+02:00', '2025-06-01T07:30:00.000Z'],
    ['2025-06-01T09:30+02:00', '2025-06-01T07:30:00.000Z'],
    ['2025-06-01T09:30:00.123456-01:30', '2025-06-01T11:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => expect(parseIsoInstant(text)?.toISOString()).toBe(iso));

  it.each([
    '2025-02-30T10:00:00Z', // Date.parse would roll this over to 2 March
    '2025-02-29T10:00:00Z',
    '2025-13-01T10:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T10:60:00Z',
    '2025-06-01T10:00:00', // no offset: would depend on the host's time zone
    '2025-06-01',
    '1 June 2025',
    '',
  ])('refuses %j', (text) => expect(parseIsoInstant(text)).toBeNull());
});
