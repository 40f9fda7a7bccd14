import type { ProjectView } from './Project';

/** (being written) The office's work on one project, by its stage. */
export function ProjectOffice({ project, onChanged }: { project: ProjectView; onChanged: () => void }) {
  void project;
  void onChanged;
  return null;
}
