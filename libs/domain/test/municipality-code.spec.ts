import { isMunicipalityCode } from '../src/index.js';

describe('municipality code is a CBS code: GM followed by four digits', () => {
  it.each(['GM0153', 'GM0001', 'GM1774'])('accepts %s', (code) => expect(isMunicipalityCode(code)).toBe(true));

  it.each(['gm0153', 'GM153', 'GM01530', '0153', 'GM 0153', ' GM0153', 'GM0153\n', 'PV0153', '', null, 153])(
    'refuses %j',
    (value) => expect(isMunicipalityCode(value)).toBe(false),
  );
});
