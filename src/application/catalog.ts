/** The program catalog in force: the 2020 plan's program types, plus any the deployment configures. */
export const CATALOG = Symbol('ProgramCatalog');
