import { requireRole, text, unknownCommand } from '../checks';
import { Decider } from '../decider';
import { illegalState, notFound, validation } from '../errors';
import { FieldProblem, Organisation, OrganisationInput, organisationFrom } from './organisation';
import { ImportOrganisations, REGISTRY_COMMANDS, RegisterOrganisation, RegistryCommand, UpdateOrganisation } from './registry.commands';
import { RegistryEvent } from './registry.events';
import { evolveRegistry, initialRegistryState, organisationOf, RegistryState } from './registry.state';

/** The most rows one import takes: Shanxi has some 400 secondary and 80 higher vocational schools. */
export const MAX_IMPORT_ROWS = 5000;

/** The registry: `decide` checks the role table, then hands each command to its function below. */
export function decideRegistry(command: RegistryCommand, state: RegistryState): RegistryEvent[] {
  requireRole(REGISTRY_COMMANDS, command);
  switch (command.type) {
    case 'RegisterOrganisation': return registerOrganisation(command, state);
    case 'ImportOrganisations': return importOrganisations(command, state);
    case 'UpdateOrganisation': return updateOrganisation(command, state);
    default: return unknownCommand(command);
  }
}

function registerOrganisation(command: RegisterOrganisation, state: RegistryState): RegistryEvent[] {
  const organisation = valid(command.data.organisation);
  const [clash] = clashes(organisation, state);
  if (clash) throw illegalState(clash.code, clash.message, { field: clash.field, creditCode: organisation.creditCode });
  return [{ type: 'OrganisationRegistered', data: { organisation, registeredAt: command.now } }];
}

/** Every row is judged as if the rows before it were registered; one row with a problem refuses them all. */
function importOrganisations(command: ImportOrganisations, state: RegistryState): RegistryEvent[] {
  const { rows } = command.data;
  if (rows.length === 0) throw validation('import-empty', '导入的名单中没有任何一行');
  if (rows.length > MAX_IMPORT_ROWS) throw validation('import-too-large', `一次最多导入 ${MAX_IMPORT_ROWS} 行，名单有 ${rows.length} 行`);
  const fresh: Organisation[] = [];
  const seen = new Set<string>();
  const report: { row: number; creditCode: string; problems: readonly FieldProblem[] }[] = [];
  let unchanged = 0;
  let registry = state;
  rows.forEach((row, index) => {
    const parsed = organisationFrom(row);
    if ('problems' in parsed) {
      report.push({ row: index + 1, creditCode: row.creditCode, problems: parsed.problems });
      return;
    }
    const { organisation } = parsed;
    const registered = organisationOf(registry, organisation.creditCode);
    const fromThisFile = seen.has(organisation.creditCode);
    seen.add(organisation.creditCode);
    if (registered && !fromThisFile && same(registered, organisation)) {
      unchanged += 1;
      return;
    }
    const problems = fromThisFile ? [{ field: 'creditCode', code: 'duplicate-in-file', message: `${organisation.creditCode} 在名单中出现了不止一次` }] : clashes(organisation, registry);
    if (problems.length > 0) {
      report.push({ row: index + 1, creditCode: organisation.creditCode, problems });
      return;
    }
    fresh.push(organisation);
    registry = evolveRegistry(registry, { type: 'OrganisationRegistered', data: { organisation, registeredAt: command.now } });
  });
  if (report.length > 0) throw validation('import-rows-invalid', `名单的 ${rows.length} 行中有 ${report.length} 行有问题，未导入任何一行`, { rows: report });
  if (fresh.length === 0) return [];
  return [{ type: 'OrganisationsImported', data: { organisations: fresh, unchanged, source: command.data.source ?? null, importedAt: command.now } }];
}

function updateOrganisation(command: UpdateOrganisation, state: RegistryState): RegistryEvent[] {
  const { name, city } = command.data;
  const creditCode = command.data.creditCode.trim().toUpperCase();
  const current = organisationOf(state, creditCode);
  if (!current) throw notFound('organisation-not-found', `没有统一社会信用代码为 ${creditCode} 的单位`);
  if (city !== undefined && !('city' in current)) throw validation('organisation-has-no-city', `${current.name} 不属于某个地级市`, { field: 'city' });
  const updated = valid({ ...current, ...(name !== undefined ? { name } : {}), ...(city !== undefined ? { city } : {}) });
  if (same(current, updated)) return [];
  const [clash] = placeClash(updated, state);
  if (clash) throw illegalState(clash.code, clash.message, { field: clash.field, creditCode });
  return [{ type: 'OrganisationUpdated', data: { organisation: updated, reason: text(command.data.reason, 'reason-required', 'the reason'), updatedAt: command.now } }];
}

/** The organisation an input states, or a refusal with the first of its problems (and all of them). */
function valid(input: OrganisationInput): Organisation {
  const parsed = organisationFrom(input);
  if ('organisation' in parsed) return parsed.organisation;
  const [first] = parsed.problems;
  throw validation(first.code, first.message, { field: first.field, problems: parsed.problems });
}

/** How a new organisation clashes with those registered: its credit code taken, or a place only one may hold. */
function clashes(organisation: Organisation, state: RegistryState): FieldProblem[] {
  if (organisationOf(state, organisation.creditCode)) {
    return [{ field: 'creditCode', code: 'organisation-already-registered', message: `统一社会信用代码 ${organisation.creditCode} 已登记` }];
  }
  return placeClash(organisation, state);
}

/** A place only one organisation may hold (the office, a department, a city's bureau of a kind), held by another. */
function placeClash(organisation: Organisation, state: RegistryState): FieldProblem[] {
  const holder = Object.values(state.organisations).find((other) => other.creditCode !== organisation.creditCode && holdsSamePlace(other, organisation));
  if (!holder) return [];
  return [{ field: 'kind', code: 'place-already-held', message: `${holder.name}（${holder.creditCode}）已是${placeOf(organisation)}` }];
}

/** One office, one department of each kind, one bureau of each kind and one government per city. */
function holdsSamePlace(a: Organisation, b: Organisation): boolean {
  if (a.kind === 'office' && b.kind === 'office') return true;
  if (a.kind === 'department' && b.kind === 'department') return a.departmentKind === b.departmentKind;
  if (a.kind === 'bureau' && b.kind === 'bureau') return a.bureauKind === b.bureauKind && a.city === b.city;
  if (a.kind === 'government' && b.kind === 'government') return a.city === b.city;
  return false;
}

function placeOf(organisation: Organisation): string {
  switch (organisation.kind) {
    case 'office': return '省教育厅';
    case 'department': return `省${organisation.departmentKind}`;
    case 'bureau': return `${organisation.city}${organisation.bureauKind}`;
    case 'government': return `${organisation.city}人民政府`;
    default: return organisation.name;
  }
}

const same = (a: Organisation, b: Organisation) => JSON.stringify(a) === JSON.stringify(b);

export const registryDecider: Decider<RegistryState, RegistryCommand, RegistryEvent> = {
  initialState: initialRegistryState,
  evolve: evolveRegistry,
  decide: decideRegistry,
};
