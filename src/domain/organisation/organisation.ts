
/**
 * The organisations that take part in the programs, as the registry holds them. Every one is named by
 * its unified social credit code (统一社会信用代码, GB 32100-2015), which schools, bureaus, enterprises
 * city governments and government departments all have: an enterprise's id is its credit code, as is a school's.
 */

/** The eleven prefecture-level cities of Shanxi: a school's, a bureau's or an enterprise's city is one of them. */
export const SHANXI_CITIES = ['太原市', '大同市', '朔州市', '忻州市', '阳泉市', '吕梁市', '晋中市', '长治市', '晋城市', '临汾市', '运城市'] as const;
export type City = (typeof SHANXI_CITIES)[number];

/** What a school is: the programs it may apply to follow from this. */
export const SCHOOL_KINDS = ['中职', '技工学校', '高职', '本科'] as const;
export type SchoolKind = (typeof SCHOOL_KINDS)[number];

/** A city's bureau of education recommends its schools; its bureau of human resources, its 技工学校. */
export const BUREAU_KINDS = ['教育局', '人社局'] as const;
export type BureauKind = (typeof BUREAU_KINDS)[number];

/** The provincial departments that decide with the office (the office itself is the 教育厅). */
export const DEPARTMENT_KINDS = ['财政厅', '人社厅', '发改委'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export type Organisation =
  | { readonly kind: 'school'; readonly creditCode: string; readonly name: string; readonly city: City; readonly schoolKind: SchoolKind }
  | { readonly kind: 'bureau'; readonly creditCode: string; readonly name: string; readonly city: City; readonly bureauKind: BureauKind }
  | { readonly kind: 'enterprise'; readonly creditCode: string; readonly name: string; readonly city: City }
  /** A city's people's government (市人民政府): the applicant of a city pilot (产教融合型城市试点), which no city recommends. */
  | { readonly kind: 'government'; readonly creditCode: string; readonly name: string; readonly city: City }
  | { readonly kind: 'office'; readonly creditCode: string; readonly name: string }
  | { readonly kind: 'department'; readonly creditCode: string; readonly name: string; readonly departmentKind: DepartmentKind };

export type OrganisationKind = Organisation['kind'];

/** What a decider needs to know of an organisation in the registry, for the rules that depend on what it is. */
export interface RegisteredOrganisation {
  readonly kind: OrganisationKind;
  /** A school's kind (中职, 技工学校, 高职, 本科). */
  readonly schoolKind?: SchoolKind;
  /** A city bureau's kind (教育局, 人社局). */
  readonly bureauKind?: BureauKind;
}

/** An organisation's facts as a decider reads them. */
export function registeredAs(organisation: Organisation): RegisteredOrganisation {
  return {
    kind: organisation.kind,
    ...(organisation.kind === 'school' ? { schoolKind: organisation.schoolKind } : {}),
    ...(organisation.kind === 'bureau' ? { bureauKind: organisation.bureauKind } : {}),
  };
}

/** The characters of a credit code, in the order of their values 0–30 (no I, O, S, V, Z). */
const CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Whether `code` is a unified social credit code whose 18th character is the check character of the first 17. */
export function isCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = WEIGHTS.reduce((total, weight, i) => total + CODE_CHARACTERS.indexOf(code[i]) * weight, 0);
  return CODE_CHARACTERS[(31 - (sum % 31)) % 31] === code[17];
}

/** A row's problem, as an import reports it: the field, a stable code and a sentence. */
export interface FieldProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/**
 * An organisation as a person or a file states it: its kind and the names of its city and kinds as
 * text. Which cities and kinds exist is the registry's vocabulary, judged by `organisationFrom`.
 */
export interface OrganisationInput {
  readonly kind: OrganisationKind;
  readonly creditCode: string;
  readonly name: string;
  readonly city?: string;
  readonly schoolKind?: string;
  readonly bureauKind?: string;
  readonly departmentKind?: string;
}

/** The value, trimmed, when it is one of `values`. */
function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  const trimmed = value?.trim();
  return values.find((v) => v === trimmed);
}

/** The organisation an input states, as plain data in a fixed order of fields, or every problem it has. */
export function organisationFrom(input: OrganisationInput): { readonly organisation: Organisation } | { readonly problems: readonly FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const creditCode = input.creditCode.trim().toUpperCase();
  if (!isCreditCode(creditCode)) {
    problems.push({ field: 'creditCode', code: 'invalid-credit-code', message: `${input.creditCode} 不是有效的统一社会信用代码 (GB 32100-2015)` });
  }
  const name = input.name.trim();
  if (name === '' || name.length > 200) problems.push({ field: 'name', code: 'invalid-name', message: '名称不能为空，且不超过 200 个字' });
  const city = oneOf(SHANXI_CITIES, input.city);
  const needs = <T>(field: string, value: T | undefined, code: string, message: string): T | undefined => {
    if (value === undefined) problems.push({ field, code, message });
    return value;
  };
  const inCity = () => needs('city', city, 'unknown-city', `${input.city?.trim() || '（空）'} 不是山西省的地级市（${SHANXI_CITIES.join('、')}）`);
  const organisation = ((): Organisation | undefined => {
    switch (input.kind) {
      case 'school': {
        const at = inCity();
        const schoolKind = needs('schoolKind', oneOf(SCHOOL_KINDS, input.schoolKind), 'unknown-school-kind', `学校类型须为 ${SCHOOL_KINDS.join('、')} 之一`);
        return at && schoolKind && { kind: 'school', creditCode, name, city: at, schoolKind };
      }
      case 'bureau': {
        const at = inCity();
        const bureauKind = needs('bureauKind', oneOf(BUREAU_KINDS, input.bureauKind), 'unknown-bureau-kind', `主管部门类型须为 ${BUREAU_KINDS.join('、')} 之一`);
        return at && bureauKind && { kind: 'bureau', creditCode, name, city: at, bureauKind };
      }
      case 'enterprise':
      case 'government': {
        const at = inCity();
        return at && { kind: input.kind, creditCode, name, city: at };
      }
      case 'office':
        return { kind: 'office', creditCode, name };
      default:
        // The kinds are typed; a caller that is not the HTTP edge (a file read into rows) may still send another.
        problems.push({ field: 'kind', code: 'unknown-organisation-kind', message: `单位类型须为 school、bureau、enterprise、government、office、department 之一` });
        return undefined;
      case 'department': {
        const departmentKind = needs('departmentKind', oneOf(DEPARTMENT_KINDS, input.departmentKind), 'unknown-department-kind', `厅局须为 ${DEPARTMENT_KINDS.join('、')} 之一`);
        return departmentKind && { kind: 'department', creditCode, name, departmentKind };
      }
    }
  })();
  return organisation && problems.length === 0 ? { organisation } : { problems };
}
