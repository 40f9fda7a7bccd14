import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OrganisationKind } from '../../domain/organisation/organisation';
import { Nested, Omissible, OneOf, Text } from './dto-support';
import { PageQuery } from './read-models.controller';

/** Every kind of organisation the registry holds (checked against the domain's type below). */
export const ORGANISATION_KINDS = ['school', 'bureau', 'enterprise', 'government', 'office', 'department'] as const;
type Missing = Exclude<OrganisationKind, (typeof ORGANISATION_KINDS)[number]>;
const _everyKind: [Missing] extends [never] ? true : never = true;
void _everyKind;

/**
 * An organisation as the office states it. The DTO checks the shape alone, with bounds well past any
 * real value: whether the code is a valid credit code, the city one of Shanxi's, the kinds the
 * registry's, and the name at most 200 characters, is the registry's to judge (organisation.ts).
 */
export class OrganisationInputDto {
  @OneOf(ORGANISATION_KINDS, 'school')
  kind!: OrganisationKind;

  @Text('12140100MB1000001K', { max: 100, description: '统一社会信用代码 (GB 32100-2015); trimmed and upper-cased by the registry' })
  creditCode!: string;

  @Text('太原职业技术学院', { max: 1000 })
  name!: string;

  @Omissible(Text('太原市', { max: 100, description: 'One of the eleven cities of Shanxi: schools, bureaus and enterprises' }))
  city?: string;

  @Omissible(Text('高职', { max: 100, description: 'Schools: 中职, 技工学校, 高职, 本科' }))
  schoolKind?: string;

  @Omissible(Text('教育局', { max: 100, description: 'Bureaus: 教育局, 人社局' }))
  bureauKind?: string;

  @Omissible(Text('财政厅', { max: 100, description: 'Departments: 财政厅, 人社厅, 发改委' }))
  departmentKind?: string;
}

export class RegisterOrganisationDto extends OrganisationInputDto {
  @Omissible(Text('新设立的高职院校', { max: 2000 }))
  reason?: string;
}

/** The office's list as JSON: each row an organisation; a bad row is reported by its position in `rows`, the first being row 1. */
export class ImportOrganisationsDto {
  @Nested(() => OrganisationInputDto, { isArray: true, description: 'At most 5000 rows; one bad row refuses them all, with every row’s problems' })
  @IsArray()
  rows!: OrganisationInputDto[];

  @Omissible(Text('2026 年全省职业院校名单', { max: 2000 }))
  reason?: string;
}

export class UpdateOrganisationDto {
  @Omissible(Text('山西工程职业学院', { max: 1000 }))
  name?: string;

  @Omissible(Text('晋中市', { max: 100 }))
  city?: string;

  @Text('学校整体搬迁至晋中市', { max: 2000 })
  reason!: string;
}

export class OrganisationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS, example: 'school' })
  @IsOptional()
  @IsIn([...ORGANISATION_KINDS])
  kind?: string;

  @ApiPropertyOptional({ example: '太原市' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string;
}
