/** Stream names: `<category>-<id>`, the category without a dash (the store's convention). */
/** A program's places across its cycles, against its target. */
export const programStream = (programType: string) => `program-${programType}`;
export const cycleStream = (cycleId: string) => `cycle-${cycleId}`;
/** A cycle's money: budgets, grants and disbursements. */
export const fundsStream = (cycleId: string) => `funds-${cycleId}`;
export const projectStream = (projectId: string) => `project-${projectId}`;
export const enterpriseStream = (creditCode: string) => `enterprise-${creditCode}`;
/** The one stream of the organisation registry. */
export const REGISTRY_STREAM = 'registry-organisations';
export const personStream = (personId: string) => `person-${personId}`;
/** The id of the aggregate a stream records: what follows its category's dash (an id may hold dashes). */
export const idInStream = (stream: string) => stream.slice(stream.indexOf('-') + 1);
