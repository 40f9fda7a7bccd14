import { given } from '../../../test/support/decider-spec';
import { fold } from '../decider';
import { DomainError } from '../errors';
import { Actor } from '../messages';
import { isCreditCode, OrganisationInput } from './organisation';
import { RegistryCommand } from './registry.commands';
import { registryDecider } from './registry.decider';
import { RegistryEvent } from './registry.events';
import { organisationOf } from './registry.state';

const office: Actor = { id: 'office-1', role: 'office', org: '11140000405200012U' };
const NOW = '2026-12-01T02:00:00.000Z';

// Valid codes (check characters as GB 32100-2015 computes them; the first is the standard's own example).
const STANDARD_EXAMPLE = '91350100M000100Y43';
const SCHOOL_A = '12140100MB1000001K';
const SCHOOL_B = '12140100MB1000002N';
const BUREAU_TY = '11140100MB10000066';
const BUREAU_DT = '11140200MB1000007E';
const ENTERPRISE = '91140100MA0K12345Y';

const school = (creditCode: string, name: string, more: Partial<OrganisationInput> = {}): OrganisationInput => ({ kind: 'school', creditCode, name, city: '太原市', schoolKind: '高职', ...more });
const register = (organisation: OrganisationInput, actor = office): RegistryCommand => ({ type: 'RegisterOrganisation', data: { organisation }, actor, now: NOW });
const importing = (rows: OrganisationInput[]): RegistryCommand => ({ type: 'ImportOrganisations', data: { rows }, actor: office, now: NOW });
const registered = (organisation: OrganisationInput): RegistryEvent => {
  const [event] = registryDecider.decide(register(organisation), registryDecider.initialState);
  return event;
};

describe('unified social credit codes', () => {
  it('accepts a code whose 18th character is the check character of the first 17, and nothing else', () => {
    expect(isCreditCode(STANDARD_EXAMPLE)).toBe(true);
    expect(isCreditCode('91350100M000100Y44')).toBe(false); // another check character
    expect(isCreditCode('91350100M000100Y4')).toBe(false); // 17 characters
    expect(isCreditCode('91350100M000I00Y43')).toBe(false); // I is not a code character
    expect(isCreditCode('91350100m000100y43')).toBe(false); // lower case is for the edge to normalise
  });
});

describe('organisation registry decider', () => {
  it('registers a school with its city and kind, its credit code trimmed and upper-cased', () => {
    given(registryDecider, [])
      .when(register(school(` ${SCHOOL_A.toLowerCase()} `, ' 太原职业技术学院 ')))
      .then([{ type: 'OrganisationRegistered', data: { organisation: { kind: 'school', creditCode: SCHOOL_A, name: '太原职业技术学院', city: '太原市', schoolKind: '高职' }, registeredAt: NOW } }]);
  });

  it.each([
    ['an invalid credit code', school('12140100MB1000001A', '学校'), 'invalid-credit-code', 'creditCode'],
    ['a city outside Shanxi', school(SCHOOL_A, '学校', { city: '北京市' }), 'unknown-city', 'city'],
    ['a school without a kind', school(SCHOOL_A, '学校', { schoolKind: undefined }), 'unknown-school-kind', 'schoolKind'],
    ['a blank name', school(SCHOOL_A, '  '), 'invalid-name', 'name'],
    ['a bureau of another kind', { kind: 'bureau', creditCode: BUREAU_TY, name: '太原市文旅局', city: '太原市', bureauKind: '文旅局' } as OrganisationInput, 'unknown-bureau-kind', 'bureauKind'],
  ])('refuses %s, naming the field', (_what, organisation, code, field) => {
    const error = given(registryDecider, []).when(register(organisation)).thenThrows(code, 'validation');
    expect(error.details).toMatchObject({ field });
  });

  it('registers a credit code once, and one bureau of each kind per city', () => {
    const ty = { kind: 'bureau', creditCode: BUREAU_TY, name: '太原市教育局', city: '太原市', bureauKind: '教育局' } as const;
    const history = [registered(school(SCHOOL_A, '太原职业技术学院')), registered(ty)];
    given(registryDecider, history).when(register(school(SCHOOL_A, '另一个名字'))).thenThrows('organisation-already-registered', 'illegal-state');
    given(registryDecider, history).when(register({ ...ty, creditCode: BUREAU_DT })).thenThrows('place-already-held', 'illegal-state');
    // Another city's bureau, or the same city's bureau of human resources, holds another place.
    expect(registryDecider.decide(register({ ...ty, creditCode: BUREAU_DT, city: '大同市', name: '大同市教育局' }), fold(registryDecider, history))).toHaveLength(1);
    expect(registryDecider.decide(register({ ...ty, creditCode: BUREAU_DT, bureauKind: '人社局', name: '太原市人社局' }), fold(registryDecider, history))).toHaveLength(1);
  });

  it('registers a city’s people’s government (市人民政府) in its city, one per city', () => {
    const ty = { kind: 'government', creditCode: BUREAU_TY, name: '太原市人民政府', city: '太原市' } as const;
    const [event] = given(registryDecider, []).when(register(ty)).then([expect.objectContaining({ type: 'OrganisationRegistered' })]);
    expect(event.data).toMatchObject({ organisation: { kind: 'government', creditCode: BUREAU_TY, name: '太原市人民政府', city: '太原市' } });
    const error = given(registryDecider, [registered(ty)]).when(register({ ...ty, creditCode: BUREAU_DT, name: '太原市政府' })).thenThrows('place-already-held', 'illegal-state');
    expect(error.message).toContain('太原市人民政府');
    expect(registryDecider.decide(register({ ...ty, creditCode: BUREAU_DT, city: '大同市', name: '大同市人民政府' }), fold(registryDecider, [registered(ty)]))).toHaveLength(1);
    given(registryDecider, []).when(register({ ...ty, city: '北京市' })).thenThrows('unknown-city', 'validation');
  });

  it('is the office’s alone', () => {
    const applicant: Actor = { id: 'u-1', role: 'applicant', org: SCHOOL_A, region: '太原市' };
    given(registryDecider, []).when(register(school(SCHOOL_A, '学校'), applicant)).thenThrows('role-not-allowed', 'forbidden');
  });

  describe('importing a list', () => {
    it('imports every new row in one event, and counts the rows already registered exactly so', () => {
      const history = [registered(school(SCHOOL_A, '太原职业技术学院'))];
      given(registryDecider, history)
        .when(importing([school(SCHOOL_A, '太原职业技术学院'), school(SCHOOL_B, '山西工程职业学院'), { kind: 'enterprise', creditCode: ENTERPRISE, name: '太原重工股份有限公司', city: '太原市' }]))
        .then([
          {
            type: 'OrganisationsImported',
            data: {
              organisations: [
                { kind: 'school', creditCode: SCHOOL_B, name: '山西工程职业学院', city: '太原市', schoolKind: '高职' },
                { kind: 'enterprise', creditCode: ENTERPRISE, name: '太原重工股份有限公司', city: '太原市' },
              ],
              unchanged: 1,
              source: null,
              importedAt: NOW,
            },
          },
        ]);
    });

    it('changes nothing when the same list comes again', () => {
      const rows = [school(SCHOOL_A, '太原职业技术学院'), school(SCHOOL_B, '山西工程职业学院')];
      const [imported] = registryDecider.decide(importing(rows), registryDecider.initialState);
      given(registryDecider, [imported]).when(importing(rows)).then([]);
    });

    it('refuses the whole list when any row has a problem, reporting every row with every problem', () => {
      const error: DomainError = given(registryDecider, [registered(school(SCHOOL_A, '太原职业技术学院'))])
        .when(
          importing([
            school(SCHOOL_B, '山西工程职业学院'),
            school('12140100MB1000009X', '', { city: '北京市' }),
            school(SCHOOL_A, '改了名字的学校'),
            school(SCHOOL_B, '山西工程职业学院'),
          ]),
        )
        .thenThrows('import-rows-invalid', 'validation');
      expect(error.details).toEqual({
        rows: [
          {
            row: 2,
            creditCode: '12140100MB1000009X',
            problems: [
              expect.objectContaining({ field: 'creditCode', code: 'invalid-credit-code' }),
              expect.objectContaining({ field: 'name', code: 'invalid-name' }),
              expect.objectContaining({ field: 'city', code: 'unknown-city' }),
            ],
          },
          { row: 3, creditCode: SCHOOL_A, problems: [expect.objectContaining({ field: 'creditCode', code: 'organisation-already-registered' })] },
          { row: 4, creditCode: SCHOOL_B, problems: [expect.objectContaining({ field: 'creditCode', code: 'duplicate-in-file' })] },
        ],
      });
    });

    it('reports a row listed twice as a duplicate, whether or not it is registered already', () => {
      const history = [registered(school(SCHOOL_A, '太原职业技术学院'))];
      const error = given(registryDecider, history).when(importing([school(SCHOOL_A, '太原职业技术学院'), school(SCHOOL_A, '太原职业技术学院')])).thenThrows('import-rows-invalid', 'validation');
      expect(error.details).toEqual({ rows: [{ row: 2, creditCode: SCHOOL_A, problems: [expect.objectContaining({ code: 'duplicate-in-file' })] }] });
    });

    it('reports a row of a kind the registry does not know', () => {
      const error = given(registryDecider, []).when(importing([{ kind: 'hospital', creditCode: SCHOOL_A, name: '医院' } as unknown as OrganisationInput])).thenThrows('import-rows-invalid', 'validation');
      expect(error.details).toEqual({ rows: [{ row: 1, creditCode: SCHOOL_A, problems: [expect.objectContaining({ field: 'kind', code: 'unknown-organisation-kind' })] }] });
    });

    it('refuses an empty list', () => {
      given(registryDecider, []).when(importing([])).thenThrows('import-empty', 'validation');
    });
  });

  describe('updating an organisation', () => {
    const history = [registered(school(SCHOOL_A, '太原职业技术学院'))];
    const update = (data: { creditCode: string; name?: string; city?: string; reason: string }): RegistryCommand => ({ type: 'UpdateOrganisation', data, actor: office, now: NOW });

    it('renames or moves it with a reason, recording the whole record', () => {
      given(registryDecider, history)
        .when(update({ creditCode: SCHOOL_A, city: '晋中市', reason: '整体搬迁至晋中市' }))
        .then([{ type: 'OrganisationUpdated', data: { organisation: { kind: 'school', creditCode: SCHOOL_A, name: '太原职业技术学院', city: '晋中市', schoolKind: '高职' }, reason: '整体搬迁至晋中市', updatedAt: NOW } }]);
    });

    it('refuses an unknown organisation, a blank reason and a city outside Shanxi; an update that changes nothing writes nothing', () => {
      given(registryDecider, history).when(update({ creditCode: SCHOOL_B, name: 'x', reason: 'r' })).thenThrows('organisation-not-found', 'not-found');
      given(registryDecider, history).when(update({ creditCode: SCHOOL_A, name: '新名字', reason: ' ' })).thenThrows('reason-required', 'validation');
      given(registryDecider, history).when(update({ creditCode: SCHOOL_A, city: '上海市', reason: 'r' })).thenThrows('unknown-city', 'validation');
      given(registryDecider, history).when(update({ creditCode: SCHOOL_A, name: '太原职业技术学院', reason: 'r' })).then([]);
      // The credit code is read as registration reads it: trimmed, upper-cased.
      expect(registryDecider.decide(update({ creditCode: ` ${SCHOOL_A.toLowerCase()} `, name: '新名字', reason: '更名' }), fold(registryDecider, history))).toHaveLength(1);
    });
  });
  describe('places only one organisation may hold', () => {
    const OFFICE = { kind: 'office', creditCode: '11140000405200012U', name: '山西省教育厅' } as const;
    const FINANCE = { kind: 'department', creditCode: BUREAU_TY, name: '山西省财政厅', departmentKind: '财政厅' } as const;
    const TY_BUREAU = { kind: 'bureau', creditCode: BUREAU_TY, name: '太原市教育局', city: '太原市', bureauKind: '教育局' } as const;

    it('names the clash’s field and the code refused', () => {
      given(registryDecider, [registered(school(SCHOOL_A, '太原职业技术学院'))])
        .when(register(school(SCHOOL_A, '另一个名字')))
        .thenThrows('organisation-already-registered', 'illegal-state', { field: 'creditCode', creditCode: SCHOOL_A });
      given(registryDecider, [registered(TY_BUREAU)])
        .when(register({ ...TY_BUREAU, creditCode: BUREAU_DT }))
        .thenThrows('place-already-held', 'illegal-state', { field: 'kind', creditCode: BUREAU_DT });
    });

    it.each([
      ['the office', OFFICE, { ...OFFICE, creditCode: SCHOOL_B, name: '另一个教育厅' }, '省教育厅'],
      ['a department of a kind', FINANCE, { ...FINANCE, creditCode: BUREAU_DT, name: '财政厅二' }, '省财政厅'],
      ['a city’s bureau of a kind', TY_BUREAU, { ...TY_BUREAU, creditCode: BUREAU_DT, name: '太原市教育局二' }, '太原市教育局'],
    ] as const)('holds %s once, naming the holder and the place', (_place, holder, second, place) => {
      const refusal = given(registryDecider, [registered(holder)]).when(register(second)).thenThrows('place-already-held', 'illegal-state');
      expect(refusal.message).toContain(holder.name);
      expect(refusal.message).toContain(holder.creditCode);
      expect(refusal.message).toContain(place);
    });

    it('lets a department of another kind, and any number of schools or enterprises, in beside the office', () => {
      const history = [registered(OFFICE), registered(FINANCE), registered(school(SCHOOL_A, '太原职业技术学院')), registered({ kind: 'enterprise', creditCode: ENTERPRISE, name: '太原重工', city: '太原市' })];
      const state = fold(registryDecider, history);
      expect(registryDecider.decide(register({ ...FINANCE, creditCode: BUREAU_DT, name: '山西省人社厅', departmentKind: '人社厅' }), state)).toHaveLength(1);
      expect(registryDecider.decide(register(school(SCHOOL_B, '山西工程职业学院')), state)).toHaveLength(1);
      expect(registryDecider.decide(register({ kind: 'enterprise', creditCode: STANDARD_EXAMPLE, name: '另一家公司', city: '太原市' }), state)).toHaveLength(1);
      // A bureau and a government of one city hold two places.
      expect(registryDecider.decide(register({ kind: 'government', creditCode: BUREAU_DT, name: '太原市人民政府', city: '太原市' }), fold(registryDecider, [registered(TY_BUREAU)]))).toHaveLength(1);
    });

    it('refuses an invalid organisation with its first problem, naming the field and listing every problem', () => {
      const error = given(registryDecider, []).when(register(school('x', '', { city: '北京市' }))).thenThrows('invalid-credit-code', 'validation');
      expect(error.details).toEqual({
        field: 'creditCode',
        problems: [
          expect.objectContaining({ field: 'creditCode', code: 'invalid-credit-code' }),
          expect.objectContaining({ field: 'name', code: 'invalid-name' }),
          expect.objectContaining({ field: 'city', code: 'unknown-city' }),
        ],
      });
    });
  });

  describe('importing, at its edges', () => {
    const invalidRows = (count: number) => Array.from({ length: count }, () => school('bad', '学校'));

    it('takes at most 5000 rows: 5000 are judged row by row, one more is refused as a whole', () => {
      const judged = given(registryDecider, []).when(importing(invalidRows(5000))).thenThrows('import-rows-invalid', 'validation');
      expect((judged.details as { rows: unknown[] }).rows).toHaveLength(5000);
      expect(judged.message).toContain('5000');
      const refusal = given(registryDecider, []).when(importing(invalidRows(5001))).thenThrows('import-too-large', 'validation');
      expect(refusal.message).toContain('5001');
    });

    it('records the list’s source document', () => {
      const source = { sha256: 'ab'.repeat(32), name: '学校名单.xlsx', size: 2048 };
      const command = { ...importing([school(SCHOOL_A, '太原职业技术学院')]), data: { rows: [school(SCHOOL_A, '太原职业技术学院')], source } } as RegistryCommand;
      const [event] = given(registryDecider, []).when(command).then([expect.objectContaining({ type: 'OrganisationsImported' })]);
      expect(event.data).toMatchObject({ source, unchanged: 0 });
    });

    it('judges each row as if the rows before it were registered: two bureaus of one place clash', () => {
      const bureau = (creditCode: string) => ({ kind: 'bureau', creditCode, name: `太原市教育局${creditCode}`, city: '太原市', bureauKind: '教育局' }) as const;
      const error = given(registryDecider, []).when(importing([bureau(BUREAU_TY), bureau(BUREAU_DT)])).thenThrows('import-rows-invalid', 'validation');
      expect(error.details).toEqual({ rows: [{ row: 2, creditCode: BUREAU_DT, problems: [expect.objectContaining({ field: 'kind', code: 'place-already-held' })] }] });
    });

    it('finds no organisation under a name the registry’s prototype holds', () => {
      const state = fold(registryDecider, [registered(school(SCHOOL_A, '太原职业技术学院'))]);
      expect(organisationOf(state, SCHOOL_A)).toMatchObject({ name: '太原职业技术学院' });
      expect(organisationOf(state, 'constructor')).toBeUndefined();
      expect(organisationOf(state, SCHOOL_B)).toBeUndefined();
    });

    it('folds an import into the registry, each organisation by its code', () => {
      const [imported] = registryDecider.decide(importing([school(SCHOOL_A, '太原职业技术学院'), school(SCHOOL_B, '山西工程职业学院')]), registryDecider.initialState);
      expect(Object.keys(fold(registryDecider, [imported]).organisations).sort()).toEqual([SCHOOL_A, SCHOOL_B]);
      given(registryDecider, [imported]).when(register(school(SCHOOL_B, '另一个'))).thenThrows('organisation-already-registered', 'illegal-state');
    });
  });

  describe('updating, at its edges', () => {
    const TY_BUREAU = { kind: 'bureau', creditCode: BUREAU_TY, name: '太原市教育局', city: '太原市', bureauKind: '教育局' } as const;
    const DT_BUREAU = { ...TY_BUREAU, creditCode: BUREAU_DT, name: '大同市教育局', city: '大同市' } as const;
    const update = (data: { creditCode: string; name?: string; city?: string; reason: string }): RegistryCommand => ({ type: 'UpdateOrganisation', data, actor: office, now: NOW });

    it('moves no organisation that is in no city', () => {
      const office_ = { kind: 'office', creditCode: '11140000405200012U', name: '山西省教育厅' } as const;
      given(registryDecider, [registered(office_)]).when(update({ creditCode: office_.creditCode, city: '太原市', reason: 'r' })).thenThrows('organisation-has-no-city', 'validation', { field: 'city' });
      given(registryDecider, [registered(office_)])
        .when(update({ creditCode: office_.creditCode, name: '山西省教育厅（新）', reason: '更名' }))
        .then([{ type: 'OrganisationUpdated', data: { organisation: { ...office_, name: '山西省教育厅（新）' }, reason: '更名', updatedAt: NOW } }]);
    });

    it('moves no bureau into a place another holds, and renames the one holder of a place', () => {
      const history = [registered(TY_BUREAU), registered(DT_BUREAU)];
      given(registryDecider, history).when(update({ creditCode: BUREAU_DT, city: '太原市', reason: '搬迁' })).thenThrows('place-already-held', 'illegal-state', { field: 'kind', creditCode: BUREAU_DT });
      given(registryDecider, history)
        .when(update({ creditCode: BUREAU_TY, name: '太原市教育局（新）', reason: '更名' }))
        .then([{ type: 'OrganisationUpdated', data: { organisation: { ...TY_BUREAU, name: '太原市教育局（新）' }, reason: '更名', updatedAt: NOW } }]);
    });

    it('keeps the name when only the city changes, and is folded as the organisation’s new record', () => {
      const history = [registered(school(SCHOOL_A, '太原职业技术学院'))];
      const [moved] = registryDecider.decide(update({ creditCode: SCHOOL_A, city: '晋中市', reason: '搬迁' }), fold(registryDecider, history));
      expect(fold(registryDecider, [...history, moved]).organisations[SCHOOL_A]).toEqual({ kind: 'school', creditCode: SCHOOL_A, name: '太原职业技术学院', city: '晋中市', schoolKind: '高职' });
    });
  });
});
