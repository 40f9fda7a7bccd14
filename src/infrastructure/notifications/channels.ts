import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { ConfigError, NotificationsConfig } from '../../config';
import type { Delivery } from './postbox';
import { deliveryRef, emailContent, messageIdOf, smsText } from './messages';

/** A channel sends one delivery or throws why it could not; the dispatcher retries and dead-letters. */
export interface Channel {
  send(delivery: Delivery): Promise<void>;
}

/** Why an attempt failed, as the postbox keeps it: the SMTP reply or the system error's code with its message. */
export function failureOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, responseCode, cause } = error as Error & { code?: string; responseCode?: number; cause?: unknown };
  const because = cause instanceof Error ? ` (${(cause as Error & { code?: string }).code ?? cause.message})` : '';
  return `${responseCode ? `${responseCode} ` : ''}${code ? `${code}: ` : ''}${error.message}${because}`;
}

/**
 * E-mail over SMTP (nodemailer): one connection per message, timeouts well inside a claim's time. Each
 * message has the delivery's deterministic Message-ID.
 */
export class EmailChannel implements Channel {
  private readonly transporter: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    private readonly smtp: NonNullable<NotificationsConfig['smtp']>,
    private readonly publicUrl: string,
  ) {
    this.transporter = nodemailer.createTransport({ url: smtp.url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 } as SMTPTransport.Options);
  }

  /** At start: a server that cannot be reached, or refuses the credentials, stops the service naming SMTP_URL. */
  async verify(): Promise<void> {
    try {
      await this.transporter.verify();
    } catch (error) {
      throw new ConfigError('SMTP_URL', `names a mail server that could not be used: ${failureOf(error)}`);
    }
  }

  async send(delivery: Delivery): Promise<void> {
    const content = emailContent(delivery, this.publicUrl);
    await this.transporter.sendMail({
      from: this.smtp.from,
      to: { name: delivery.name ?? '', address: delivery.address },
      subject: content.subject,
      text: content.text,
      html: content.html,
      messageId: messageIdOf(delivery, this.smtp.fromAddress),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/** The signature of an SMS request: hex HMAC-SHA256 with the shared secret over `<timestamp>.<body>`. */
export const smsSignature = (secret: string, timestamp: string, body: string): string => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * Reminders by SMS through the gateway's webhook: a POST of {id, to, text} signed with the shared
 * secret (X-Timestamp, X-Signature); a 2xx answer is delivered, anything else is a failed attempt.
 * `id` is the same on every attempt, so the gateway can drop a repeat.
 */
export class SmsChannel implements Channel {
  constructor(
    private readonly sms: NonNullable<NotificationsConfig['sms']>,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(delivery: Delivery): Promise<void> {
    const body = JSON.stringify({ id: deliveryRef(delivery), to: delivery.address, text: smsText(delivery) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(this.sms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-timestamp': timestamp, 'x-signature': smsSignature(this.sms.secret, timestamp, body) },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    const answer = await response.text().catch(() => '');
    if (!response.ok) throw new Error(`the SMS gateway answered ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`);
  }
}
