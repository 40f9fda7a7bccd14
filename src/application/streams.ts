/** Stream names: `<category>-<id>`, the category without a dash (the store's convention). */
export const cycleStream = (cycleId: string) => `cycle-${cycleId}`;
export const projectStream = (projectId: string) => `project-${projectId}`;
export const enterpriseStream = (creditCode: string) => `enterprise-${creditCode}`;
/** The id of the aggregate a stream records: what follows its category's dash (an id may hold dashes). */
export const idInStream = (stream: string) => stream.slice(stream.indexOf('-') + 1);
