/** Jest runs the TypeScript sources as native ESM (NestJS 12 is ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^#(domain|contracts|eventstore|messaging|security|platform)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151001, 151002] } }],
  },
  // Generous: on a slow 2-core VM under a full run, starting the embedded PGlite database alone took over 60 s.
  testTimeout: 120000,
  maxWorkers: 2,
};
