import 'reflect-metadata';
import * as dto from './organisations.dto';
import { DtoCase, DtoClass, dtoCaseTests } from '../../../test/support/dto-cases';

const school = { kind: 'school', creditCode: '12140100MB1000001K', name: '太原职业技术学院', city: '太原市', schoolKind: '高职' };
const bureau = { kind: 'bureau', creditCode: '11140100MB10000066', name: '太原市教育局', city: '太原市', bureauKind: '教育局' };

/**
 * The registry's DTOs check the shape alone: a code that is no credit code, a city outside Shanxi, a
 * kind of school the registry does not know, a name over 200 characters pass here for the registry to
 * refuse with its own codes.
 */
const CASES: DtoCase[] = [
  [dto.RegisterOrganisationDto, { ...school, reason: '新设立' }, { ...school, kind: 'university' }, 'kind'],
  [dto.ImportOrganisationsDto, { rows: [school, bureau], reason: '2026 年名单' }, { rows: [school, { ...bureau, creditCode: 11140100 }] }, 'rows.1.creditCode'],
  [dto.UpdateOrganisationDto, { name: '新名字', city: '晋中市', reason: '搬迁' }, { city: '晋中市' }, 'reason'],
];

const MORE_VALID: [DtoClass, object][] = [
  [dto.RegisterOrganisationDto, { kind: 'office', creditCode: '11140000405200012U', name: '山西省教育厅' }],
  [dto.RegisterOrganisationDto, { ...school, creditCode: 'not a credit code', city: '北京市', schoolKind: '大学', name: '名'.repeat(300) }],
  [dto.RegisterOrganisationDto, { kind: 'department', creditCode: '11140000MB0000000X', name: '山西省财政厅', departmentKind: '财政厅' }],
  [dto.ImportOrganisationsDto, { rows: [] }],
  [dto.UpdateOrganisationDto, { reason: '核对' }],
];

const MORE_INVALID: [DtoClass, object, string | string[]][] = [
  [dto.RegisterOrganisationDto, { ...school, city: null }, 'city'],
  [dto.RegisterOrganisationDto, { ...school, schoolKind: 3 }, 'schoolKind'],
  [dto.RegisterOrganisationDto, { ...school, creditCode: 'x'.repeat(101) }, 'creditCode'],
  [dto.RegisterOrganisationDto, { ...school, name: '名'.repeat(1001) }, 'name'],
  [dto.RegisterOrganisationDto, { ...school, founded: 1958 }, 'founded'],
  [dto.ImportOrganisationsDto, { rows: school }, 'rows'],
  [dto.ImportOrganisationsDto, { rows: [{ ...school, kind: undefined }] }, 'rows.0.kind'],
  [dto.ImportOrganisationsDto, { rows: [{ ...school, extra: true }] }, 'rows.0.extra'],
  [dto.UpdateOrganisationDto, { name: null, reason: '更名' }, 'name'],
  [dto.OrganisationListQuery, { kind: 'alien' }, 'kind'],
  [dto.OrganisationListQuery, { after: 'soon' }, 'after'],
];

describe('organisation DTOs', () => {
  dtoCaseTests({
    module: dto,
    cases: CASES,
    moreValid: MORE_VALID,
    moreInvalid: MORE_INVALID,
    nested: [dto.OrganisationInputDto],
    omissible: [
      [dto.RegisterOrganisationDto, 'city'],
      [dto.RegisterOrganisationDto, 'reason'],
      [dto.ImportOrganisationsDto, 'reason'],
      [dto.UpdateOrganisationDto, 'name'],
      [dto.UpdateOrganisationDto, 'city'],
    ],
  });
});
