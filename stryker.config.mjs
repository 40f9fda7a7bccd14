// Mutation testing of the domain (`npm run mutation`; docs/testing.md): StrykerJS with the jest runner over
// the domain's own specs. The TypeScript checker type-checks each mutant against src/domain alone
// (tsconfig.mutation.json), so a mutant that does not compile costs a fraction of a second instead of a
// test run. Incremental: a rerun tests only the mutants whose code or covering tests changed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  // A static mutant (module-level data: the seed catalog, the holiday tables, the role tables) is active
  // before any test starts, so each would need the whole suite, about 900 of them at 5 s each: hours on
  // two cores. They are reported as ignored; the specs check that data directly (the catalog spec holds
  // the plan's figures, the access specs each role table).
  ignoreStatic: true,
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/domain/**/*.ts', '!src/domain/**/*.spec.ts'],
  // The sandbox needs the domain, its specs and their support; the rest of the tree stays out of the copy.
  ignorePatterns: ['assets', 'docs', 'src/console', 'test/browser', 'test/e2e', 'test/contract', 'reports', '.stryker-tmp*', 'sandbox', 'data', 'screenshots', 'scratch', 'coverage'],
  // Two test runners and the checker, which idles most of the time, on two cores.
  concurrency: 3,
  timeoutMS: 5000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { reportMutants: false, reportTests: false, allowEmojis: false },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
