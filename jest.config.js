/**
 * One jest run covers unit, contract, crash and e2e tests. ts-jest only transpiles (npm test runs tsc
 * first). The few ESM-only dependencies (jose, content-disposition, openid-client and its oauth4webapi),
 * which Node loads natively but jest's module registry does not, go through a plain ES-module-to-CommonJS
 * transform.
 */
const esmOnly = ['jose', 'content-disposition', 'openid-client', 'oauth4webapi'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '\\.(spec|contract-spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    '/node_modules/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 60000,
};
