import 'reflect-metadata';
import * as dto from './people.dto';
import { DtoCase, DtoClass, dtoCaseTests } from '../../../test/support/dto-cases';

/** The person DTOs check the shape; who may register or grant, and which grant fits which organisation, is the person door's. */
const CASES: DtoCase[] = [
  [dto.RegisterPersonDto, { name: '王老师', organisationId: '12140100MB1000001K', email: 'wang@tyvtc.edu.cn' }, { name: '王老师', organisationId: '12140100MB1000001K', email: 'not-an-address' }, 'email'],
  [dto.GrantRoleDto, { kind: 'project-lead', projectId: 'project-9', reason: '岗位职责' }, { kind: 'superuser', reason: '岗位职责' }, 'kind'],
  [dto.RevokeGrantDto, { reason: '调岗' }, { reason: '' }, 'reason'],
  [dto.ExpertProfileDto, { fields: ['装备制造'], affiliations: ['山西大学'] }, { fields: '装备制造', affiliations: [] }, 'fields'],
  [dto.DeactivatePersonDto, { reason: '离职' }, {}, 'reason'],
];

const MORE_VALID: [DtoClass, object][] = [
  [dto.RegisterPersonDto, { name: '李老师', organisationId: 'not-registered' }],
  [dto.GrantRoleDto, { kind: 'school-admin', reason: '学校管理员' }],
  [dto.ExpertProfileDto, { fields: [], affiliations: [] }],
  [dto.PeopleListQuery, { organisationId: '12140100MB1000001K', limit: 10 }],
];

const MORE_INVALID: [DtoClass, object, string | string[]][] = [
  [dto.RegisterPersonDto, { name: '王'.repeat(201), organisationId: 'x' }, 'name'],
  [dto.RegisterPersonDto, { name: '王老师', organisationId: 'x', email: null }, 'email'],
  [dto.RegisterPersonDto, { name: '王老师', organisationId: 'x', role: 'office' }, 'role'],
  [dto.GrantRoleDto, { kind: 'liaison', projectId: null, reason: 'r' }, 'projectId'],
  [dto.GrantRoleDto, { kind: 'liaison' }, 'reason'],
  [dto.ExpertProfileDto, { fields: ['a'], affiliations: [7] }, 'affiliations'],
  [dto.PeopleListQuery, { organisationId: 'x'.repeat(101) }, 'organisationId'],
];

describe('person DTOs', () => {
  dtoCaseTests({
    module: dto,
    cases: CASES,
    moreValid: MORE_VALID,
    moreInvalid: MORE_INVALID,
    nested: [],
    omissible: [
      [dto.RegisterPersonDto, 'email'],
      [dto.GrantRoleDto, 'projectId'],
    ],
  });
});
