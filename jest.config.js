/**
 * One jest run covers unit, contract, crash and e2e tests. ts-jest only transpiles (npm test runs tsc
 * first); it also turns the few ESM-only dependencies (jose, content-disposition) into CommonJS,
 * which Node loads natively but jest's module registry does not.
 */
const esmOnly = ['jose', 'content-disposition'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|contract-spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 60000,
};
