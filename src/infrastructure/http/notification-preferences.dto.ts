import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, Matches, ValidateIf } from 'class-validator';
import { NOTIFICATION_KINDS } from '../../domain/notifications/notifications';
import { EMAIL_MODES, EmailMode, LANGUAGES, SMS_KINDS } from '../notifications/postbox';
import type { Language } from '../../words';
import { OneOf, Text } from './dto-support';

/** Every kind a person may want by e-mail or not: the notifications' kinds and the reminders'. */
export const EMAIL_KINDS: readonly string[] = [...new Set<string>([...NOTIFICATION_KINDS, ...SMS_KINDS])];

/** A mainland mobile number: 11 digits, the first a 1. */
const MOBILE = /^1\d{10}$/;

/** How the signed-in person is told, beyond the console: which kinds by e-mail, immediately or in a daily digest, in which language, and reminders by SMS. */
export class NotificationPreferencesDto {
  @ApiProperty({ enum: EMAIL_KINDS, isArray: true, example: ['approval', 'deadline-ahead', 'overdue'], description: 'The kinds sent by e-mail; the others stay in the console' })
  @IsArray()
  @ArrayMaxSize(EMAIL_KINDS.length)
  @ArrayUnique({ message: 'emailKinds must not name a kind twice' })
  @IsIn([...EMAIL_KINDS], { each: true, message: `emailKinds must each be one of ${EMAIL_KINDS.join(', ')}` })
  emailKinds!: string[];

  @OneOf(EMAIL_MODES, 'immediate', { description: 'immediate: an e-mail per notice; digest: one e-mail a day at NOTIFY_DIGEST_HOUR (Beijing time) listing the day’s notices' })
  emailMode!: EmailMode;

  @OneOf(LANGUAGES, 'zh', { description: 'The language of the e-mails and SMS' })
  language!: Language;

  @ApiPropertyOptional({ example: '13800000000', nullable: true, type: String, description: 'A mainland mobile number (11 digits starting with 1); required for SMS reminders' })
  @ValidateIf((o: NotificationPreferencesDto) => (o.mobile !== undefined && o.mobile !== null) || o.smsReminders === true)
  @Matches(MOBILE, { message: 'mobile must be a mainland mobile number (11 digits starting with 1); SMS reminders need one' })
  mobile?: string | null;

  @ApiProperty({ example: false, description: 'Reminders (a deadline ahead, an obligation overdue) by SMS too, to the mobile number' })
  @IsBoolean()
  smsReminders!: boolean;
}

/** A dead-lettered delivery, named as GET /notifications/dead-letters lists it. */
export class DeadLetterDto {
  @Text('tyvtc-0042', { max: 100 })
  personId!: string;

  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11.approval', { max: 200, description: 'The notification’s id, or a digest’s (digest:<person>:<day>)' })
  id!: string;

  @OneOf(['email', 'sms'] as const, 'email')
  channel!: 'email' | 'sms';
}
