import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { GRANT_KINDS, GrantKind } from '../../domain/person/grants';
import { Omissible, OneOf, Text, Texts } from './dto-support';
import { PageQuery } from './read-models.controller';

/** An e-mail address, by its shape (RFC 5321's 254 characters at most). */
const Email = (example: string) => applyDecorators(ApiProperty({ example, maxLength: 254 }), IsString(), MaxLength(254), IsEmail({}, { message: 'email must be an e-mail address' }));

export class RegisterPersonDto {
  @ApiPropertyOptional({ example: 'tyvtc-0042', description: 'The person id, e.g. the staff number of the province’s personnel system; generated when left out' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'personId must be lowercase letters, digits and dashes (at most 63)' })
  personId?: string;

  @Text('王老师', { max: 200 })
  name!: string;

  @Text('12140100MB1000001K', { max: 100, description: 'The credit code of the organisation the person belongs to, as the registry holds it' })
  organisationId!: string;

  @Omissible(Email('wang@tyvtc.edu.cn'))
  email?: string;
}

export class GrantRoleDto {
  @OneOf(GRANT_KINDS, 'project-lead', { description: 'What the grant lets its holder do; who may give which grant is the grants table’s (grants.ts)' })
  kind!: GrantKind;

  @Omissible(Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100, description: 'A lead or a liaison of one project only' }))
  projectId?: string;

  @Text('负责 2026 年品牌专业申报')
  reason!: string;
}

export class RevokeGrantDto {
  @Text('调岗')
  reason!: string;
}

export class ExpertProfileDto {
  @Texts(['装备制造', '电子信息'], { description: 'The fields the expert reviews in (at least one)' })
  fields!: string[];

  @Texts(['山西大学（2015–2020 任教）'], { description: 'Former employers, boards, close relations’ organisations: read by the conflict-of-interest check' })
  affiliations!: string[];
}

export class DeactivatePersonDto {
  @Text('离职')
  reason!: string;
}

export class PeopleListQuery extends PageQuery {
  @ApiPropertyOptional({ example: '12140100MB1000001K', description: 'The organisation whose people are listed; required unless office or auditor' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  organisationId?: string;
}
