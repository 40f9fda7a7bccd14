/**
 * The domain's own specs, for mutation testing (`npm run mutation`): each domain file is judged by the
 * specs beside it, not by the e2e suites that happen to run through it. Two specs stay out: the purity
 * check reads the sources as text and kills no mutant; the generated project sequences (500 random walks,
 * about 8 s) check only that whatever is decided folds, and would run for nearly every project mutant.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/src/domain'],
  testPathIgnorePatterns: ['/node_modules/', 'domain-purity\\.spec\\.ts$', 'project\\.generated\\.spec\\.ts$'],
};
