/** Stream names: `<category>-<id>`, the category without a dash (the store's convention). */
export const cycleStream = (cycleId: string) => `cycle-${cycleId}`;
export const projectStream = (projectId: string) => `project-${projectId}`;
export const enterpriseStream = (creditCode: string) => `enterprise-${creditCode}`;
