import { createHash } from 'node:crypto';
import { beijingTime, Language, notificationSentence } from '../../words';
import type { Delivery, DeliveryKey, Notice } from './postbox';

/**
 * What a delivery says, by e-mail and by SMS: the notification's own sentence (notificationSentence,
 * the console's words) in the reader's language, the time in Beijing, and a link to its record in the
 * console. Only the frame around the sentence (greeting, footer) is written here.
 */

/** A delivery's reference: the same for every attempt, and for nothing else (the Message-ID's, the SMS gateway's id). */
export function deliveryRef(key: DeliveryKey): string {
  return createHash('sha256').update(`${key.channel}\n${key.personId}\n${key.id}`).digest('hex').slice(0, 32);
}

/** A delivery's Message-ID: a resend (after a crash between the server's reply and marking it sent) is recognisably the same message. */
export const messageIdOf = (key: DeliveryKey, fromAddress: string): string => `<${deliveryRef(key)}@${fromAddress.slice(fromAddress.lastIndexOf('@') + 1)}>`;

/**
 * The console's page of a notice's record, as the console's navigation names them
 * (src/console/src/navigation.ts pathOf): a project, an expert's review of it, an enterprise; a duty
 * given or revoked leads to the notifications.
 */
export function consolePathOf(notice: Pick<Notice, 'subject' | 'kind' | 'recordId'>): string {
  const id = encodeURIComponent(notice.recordId);
  if (notice.subject === 'project') return notice.kind === 'reviewer-assigned' ? `/console/reviews/${id}` : `/console/projects/${id}`;
  if (notice.subject === 'enterprise') return `/console/enterprises/${id}`;
  return '/console/notifications';
}

/** Where a person changes how they are told: the preferences card at the end of the notifications page. */
export const PREFERENCES_PATH = '/console/notifications#notification-preferences';

const FRAME = {
  zh: {
    hello: (name: string | null) => (name ? `${name}，您好：` : '您好：'),
    when: '时间',
    beijing: '（北京时间）',
    open: '查看详情',
    digestSubject: (day: string, count: number) => `${day} 通知汇总：${count} 条`,
    digestIntro: (count: number) => `以下是与您有关的 ${count} 条通知：`,
    why: '您收到此邮件，是因为您在山西省职业教育项目认定管理平台上担任相关职责。',
    change: '如需选择哪些事项发送邮件、改为每日汇总、更换语言或设置短信提醒，请登录平台，在“通知”页面的“通知方式”中设置：',
    automatic: '本邮件由系统自动发送，请勿直接回复。',
  },
  en: {
    hello: (name: string | null) => (name ? `Dear ${name},` : 'Hello,'),
    when: 'When',
    beijing: ' (Beijing time)',
    open: 'Open',
    digestSubject: (day: string, count: number) => `Your notifications, ${day}: ${count}`,
    digestIntro: (count: number) => `${count} notification${count === 1 ? '' : 's'} concerning you:`,
    why: 'You receive this e-mail because of your duties on the Shanxi vocational-education accreditation platform.',
    change: 'To choose which notices come by e-mail, switch to a daily digest, change the language or set SMS reminders, sign in and open “Delivery preferences” on the Notifications page: ',
    automatic: 'This message was sent automatically; please do not reply.',
  },
} as const;

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const sentenceOf = (language: Language, notice: Notice) => notificationSentence(language, notice);

/** An e-mail of one notice, or a digest of several, in the delivery's language. */
export function emailContent(delivery: Delivery, publicUrl: string): EmailContent {
  const frame = FRAME[delivery.language];
  const colon = delivery.language === 'zh' ? '：' : ': ';
  const link = (notice: Notice) => `${publicUrl}${consolePathOf(notice)}`;
  const time = (notice: Notice) => `${beijingTime(notice.at)}${frame.beijing}`;
  const preferences = `${publicUrl}${PREFERENCES_PATH}`;
  const hello = frame.hello(delivery.name);
  const footerText = `${frame.why}\n${frame.change}${preferences}\n${frame.automatic}`;
  const footerHtml = `<p style="color:#666;font-size:12px">${escape(frame.why)}<br>${escape(frame.change)}<a href="${escape(preferences)}">${escape(preferences)}</a><br>${escape(frame.automatic)}</p>`;
  const html = (body: string) =>
    `<!doctype html><html lang="${delivery.language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6"><p>${escape(hello)}</p>${body}${footerHtml}</body></html>`;

  if (delivery.notice) {
    const notice = delivery.notice;
    const sentence = sentenceOf(delivery.language, notice);
    return {
      subject: sentence,
      text: `${hello}\n\n${sentence}\n\n${frame.when}${colon}${time(notice)}\n${frame.open}${colon}${link(notice)}\n\n${footerText}\n`,
      html: html(`<p><strong>${escape(sentence)}</strong></p><p>${escape(frame.when)}${colon}${escape(time(notice))}<br>${escape(frame.open)}${colon}<a href="${escape(link(notice))}">${escape(link(notice))}</a></p>`),
    };
  }
  const items = delivery.items;
  // The digest's day: the day it is sent on, as its id says.
  const day = delivery.id.slice(delivery.id.lastIndexOf(':') + 1);
  return {
    subject: frame.digestSubject(day, items.length),
    text: `${hello}\n\n${frame.digestIntro(items.length)}\n\n${items.map((n, i) => `${i + 1}. ${sentenceOf(delivery.language, n)}\n   ${frame.when}${colon}${time(n)}\n   ${link(n)}`).join('\n')}\n\n${footerText}\n`,
    html: html(
      `<p>${escape(frame.digestIntro(items.length))}</p><ol>` +
        items.map((n) => `<li><a href="${escape(link(n))}">${escape(sentenceOf(delivery.language, n))}</a><br><span style="color:#666">${escape(time(n))}</span></li>`).join('') +
        '</ol>',
    ),
  };
}

/** An SMS of a reminder: the sentence alone, short. */
export function smsText(delivery: Delivery): string {
  return sentenceOf(delivery.language, delivery.notice!);
}
