import { FieldProblem, isCreditCode, Organisation, OrganisationInput, organisationFrom, registeredAs, SHANXI_CITIES } from './organisation';

/** Valid codes, their check characters computed as GB 32100-2015 does. */
const SCHOOL_A = '12140100MB1000001K';
/** A code whose check character is 0: the weighted sum is a multiple of 31. */
const CHECK_ZERO = '12140100MB00000070';

const problemList = (input: OrganisationInput): readonly FieldProblem[] => {
  const parsed = organisationFrom(input);
  return 'problems' in parsed ? parsed.problems : [];
};
const problemsOf = (input: OrganisationInput) => problemList(input).map((p) => [p.field, p.code]);
/** The words of the input's problem with the field. */
const messageOf = (input: OrganisationInput, field: string): string => problemList(input).find((p) => p.field === field)?.message ?? '';
const organisationOf = (input: OrganisationInput): Organisation | undefined => {
  const parsed = organisationFrom(input);
  return 'organisation' in parsed ? parsed.organisation : undefined;
};

describe('unified social credit codes, at their edges', () => {
  it('accepts a code whose check character is 0', () => {
    expect(isCreditCode(CHECK_ZERO)).toBe(true);
    expect(isCreditCode('12140100MB00000071')).toBe(false);
  });

  it('is eighteen characters, nothing before and nothing after', () => {
    expect(isCreditCode(`${SCHOOL_A}1`)).toBe(false);
    expect(isCreditCode(` ${SCHOOL_A}`)).toBe(false);
    // Its last eighteen characters are code characters, its first eighteen add up: still not a code.
    expect(isCreditCode('a2140100MB0000000C1')).toBe(false);
    expect(isCreditCode('')).toBe(false);
  });

  it.each(['0123456789ABCDEFG7', 'HJKLMNPQRTUWXY000P'])('takes every one of the 31 code characters: %s', (code) => {
    expect(isCreditCode(code)).toBe(true);
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('never holds %s', (letter) => {
    expect(isCreditCode(`12140100${letter}B1000001K`)).toBe(false);
  });
});

describe('an organisation as stated', () => {
  const school = (more: Partial<OrganisationInput> = {}): OrganisationInput => ({ kind: 'school', creditCode: SCHOOL_A, name: '太原职业技术学院', city: '太原市', schoolKind: '高职', ...more });

  it.each([
    [{ kind: 'school', creditCode: SCHOOL_A, name: '学院', city: ' 大同市 ', schoolKind: ' 技工学校 ' }, { kind: 'school', creditCode: SCHOOL_A, name: '学院', city: '大同市', schoolKind: '技工学校' }],
    [{ kind: 'bureau', creditCode: SCHOOL_A, name: '局', city: '运城市', bureauKind: '人社局' }, { kind: 'bureau', creditCode: SCHOOL_A, name: '局', city: '运城市', bureauKind: '人社局' }],
    [{ kind: 'enterprise', creditCode: SCHOOL_A, name: '公司', city: '晋城市', schoolKind: '高职' }, { kind: 'enterprise', creditCode: SCHOOL_A, name: '公司', city: '晋城市' }],
    [{ kind: 'government', creditCode: SCHOOL_A, name: '政府', city: '临汾市' }, { kind: 'government', creditCode: SCHOOL_A, name: '政府', city: '临汾市' }],
    [{ kind: 'office', creditCode: SCHOOL_A, name: '教育厅', city: '太原市' }, { kind: 'office', creditCode: SCHOOL_A, name: '教育厅' }],
    [{ kind: 'department', creditCode: SCHOOL_A, name: '厅', departmentKind: '发改委', city: '太原市' }, { kind: 'department', creditCode: SCHOOL_A, name: '厅', departmentKind: '发改委' }],
  ] as [OrganisationInput, Organisation][])('%j is the plain data %j', (input, expected) => {
    expect(organisationOf(input)).toStrictEqual(expected);
  });

  it('has a name of at most 200 characters, not blank', () => {
    expect(organisationOf(school({ name: '学'.repeat(200) }))?.name).toHaveLength(200);
    expect(problemsOf(school({ name: '学'.repeat(201) }))).toEqual([['name', 'invalid-name']]);
    expect(problemsOf(school({ name: ' \t ' }))).toEqual([['name', 'invalid-name']]);
    expect(organisationOf(school({ name: ' 学院 ' }))?.name).toBe('学院');
  });

  it('is in one of the eleven cities of Shanxi, named in the refusal', () => {
    expect(SHANXI_CITIES).toHaveLength(11);
    for (const city of SHANXI_CITIES) expect(organisationOf(school({ city }))).toMatchObject({ city });
    expect(messageOf(school({ city: '北京市' }), 'city')).toContain('北京市');
    expect(messageOf(school({ city: '北京市' }), 'city')).toContain('太原市、大同市');
    expect(messageOf(school({ city: ' ' }), 'city')).toContain('（空）');
    expect(problemsOf(school({ city: undefined }))).toEqual([['city', 'unknown-city']]);
  });

  it.each([
    ['a bureau without a city', { kind: 'bureau', creditCode: SCHOOL_A, name: '局', bureauKind: '教育局' }, [['city', 'unknown-city']]],
    ['an enterprise without a city', { kind: 'enterprise', creditCode: SCHOOL_A, name: '公司' }, [['city', 'unknown-city']]],
    ['a government without a city', { kind: 'government', creditCode: SCHOOL_A, name: '政府' }, [['city', 'unknown-city']]],
    ['a department of another kind', { kind: 'department', creditCode: SCHOOL_A, name: '厅', departmentKind: '公安厅' }, [['departmentKind', 'unknown-department-kind']]],
    ['a school of neither city nor kind', { kind: 'school', creditCode: SCHOOL_A, name: '学院', schoolKind: '大学' }, [['city', 'unknown-city'], ['schoolKind', 'unknown-school-kind']]],
    ['a bureau of neither city nor kind', { kind: 'bureau', creditCode: SCHOOL_A, name: '局', city: '北京市' }, [['city', 'unknown-city'], ['bureauKind', 'unknown-bureau-kind']]],
    ['an office with a bad code', { kind: 'office', creditCode: '12140100MB1000001A', name: '教育厅' }, [['creditCode', 'invalid-credit-code']]],
    ['a department with a bad code and no name', { kind: 'department', creditCode: 'x', name: '', departmentKind: '财政厅' }, [['creditCode', 'invalid-credit-code'], ['name', 'invalid-name']]],
  ] as [string, OrganisationInput, string[][]][])('refuses %s, with every problem in order', (_what, input, problems) => {
    expect(problemsOf(input)).toEqual(problems);
  });

  it('says every problem in words, the code as given and the kinds allowed', () => {
    const input: OrganisationInput = { kind: 'school', creditCode: 'abc', name: '', city: '北京市', schoolKind: '大学' };
    expect(messageOf(input, 'creditCode')).toContain('abc');
    expect(messageOf(input, 'schoolKind')).toContain('中职、技工学校、高职、本科');
    expect(problemList(input).every((p) => p.message.trim() !== '')).toBe(true);
    expect(messageOf({ kind: 'bureau', creditCode: SCHOOL_A, name: '局', city: '太原市', bureauKind: 'x' }, 'bureauKind')).toContain('教育局、人社局');
    expect(messageOf({ kind: 'department', creditCode: SCHOOL_A, name: '厅' }, 'departmentKind')).toContain('财政厅、人社厅、发改委');
    expect(messageOf({ kind: 'hospital' as never, creditCode: SCHOOL_A, name: '医院' }, 'kind').trim()).not.toBe('');
  });

  it('reads the credit code trimmed and upper-cased', () => {
    expect(organisationOf(school({ creditCode: ` ${SCHOOL_A.toLowerCase()} ` }))?.creditCode).toBe(SCHOOL_A);
  });
});

describe('an organisation as a decider reads it', () => {
  it.each([
    [{ kind: 'school', creditCode: SCHOOL_A, name: '学院', city: '太原市', schoolKind: '中职' }, { kind: 'school', schoolKind: '中职' }],
    [{ kind: 'bureau', creditCode: SCHOOL_A, name: '局', city: '太原市', bureauKind: '人社局' }, { kind: 'bureau', bureauKind: '人社局' }],
    [{ kind: 'enterprise', creditCode: SCHOOL_A, name: '公司', city: '太原市' }, { kind: 'enterprise' }],
    [{ kind: 'office', creditCode: SCHOOL_A, name: '教育厅' }, { kind: 'office' }],
  ] as [Organisation, object][])('%j is read as %j', (organisation, expected) => {
    expect(registeredAs(organisation)).toStrictEqual(expected);
  });
});
