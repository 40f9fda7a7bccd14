import { ConfigError, loadConfig } from './config';

/** What a wrong setting of the notifications says: the variable it names. */
const refusal = (env: Record<string, string>): { variable: string; message: string } | undefined => {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { variable: error.variable, message: error.message };
  }
};

const SMTP = { SMTP_URL: 'smtps://mailer:s3cret-pass@smtp.example.cn:465', MAIL_FROM: '"山西省教育厅" <noreply@jyt.shanxi.gov.cn>' };
const SMS = { SMS_WEBHOOK_URL: 'https://sms.example.cn/send', SMS_WEBHOOK_SECRET: 'a-shared-secret-of-32-characters' };

describe('the notifications’ settings', () => {
  it('leave e-mail and SMS off unless configured, with a digest at 8 and the scheduler’s interval', () => {
    const { notifications } = loadConfig({ SCHEDULER_INTERVAL_MS: '2500' });
    expect(notifications).toEqual({ smtp: undefined, sms: undefined, digestHour: 8, intervalMs: 2500, retryMs: 1000, maxRetryMs: 600_000, maxAttempts: 8 });
  });

  it('take an SMTP URL with its credentials and a sender with a Chinese name', () => {
    expect(loadConfig(SMTP).notifications.smtp).toEqual({ url: 'smtps://mailer:s3cret-pass@smtp.example.cn:465', from: SMTP.MAIL_FROM, fromAddress: 'noreply@jyt.shanxi.gov.cn' });
    expect(loadConfig({ SMTP_URL: 'smtp://localhost:2525', MAIL_FROM: 'noreply@localhost' }).notifications.smtp?.fromAddress).toBe('noreply@localhost');
  });

  it('take a signed SMS webhook over https, or over http on this machine', () => {
    expect(loadConfig(SMS).notifications.sms).toEqual({ url: 'https://sms.example.cn/send', secret: SMS.SMS_WEBHOOK_SECRET });
    expect(loadConfig({ ...SMS, SMS_WEBHOOK_URL: 'http://127.0.0.1:9000/sms' }).notifications.sms?.url).toBe('http://127.0.0.1:9000/sms');
  });

  it.each([
    [{ SMTP_URL: 'mail.example.cn', MAIL_FROM: SMTP.MAIL_FROM }, 'SMTP_URL'],
    [{ SMTP_URL: 'http://smtp.example.cn', MAIL_FROM: SMTP.MAIL_FROM }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://', MAIL_FROM: SMTP.MAIL_FROM }, 'SMTP_URL'],
    [{ SMTP_URL: SMTP.SMTP_URL }, 'MAIL_FROM'],
    [{ MAIL_FROM: SMTP.MAIL_FROM }, 'SMTP_URL'],
    [{ ...SMTP, MAIL_FROM: '山西省教育厅' }, 'MAIL_FROM'],
    [{ ...SMTP, MAIL_FROM: 'noreply@' }, 'MAIL_FROM'],
    [{ ...SMTP, MAIL_FROM: 'a@example.cn, b@example.cn' }, 'MAIL_FROM'],
    [{ ...SMS, SMS_WEBHOOK_URL: 'ftp://sms.example.cn' }, 'SMS_WEBHOOK_URL'],
    [{ ...SMS, SMS_WEBHOOK_URL: 'http://sms.example.cn/send' }, 'SMS_WEBHOOK_URL'],
    [{ ...SMS, SMS_WEBHOOK_URL: 'not a url' }, 'SMS_WEBHOOK_URL'],
    [{ SMS_WEBHOOK_URL: SMS.SMS_WEBHOOK_URL }, 'SMS_WEBHOOK_SECRET'],
    [{ ...SMS, SMS_WEBHOOK_SECRET: 'too-short' }, 'SMS_WEBHOOK_SECRET'],
    [{ SMS_WEBHOOK_SECRET: SMS.SMS_WEBHOOK_SECRET }, 'SMS_WEBHOOK_URL'],
    [{ NOTIFY_DIGEST_HOUR: '24' }, 'NOTIFY_DIGEST_HOUR'],
    [{ NOTIFY_DIGEST_HOUR: 'eight' }, 'NOTIFY_DIGEST_HOUR'],
    [{ NOTIFY_RETRY_MS: '5000', NOTIFY_RETRY_MAX_MS: '1000' }, 'NOTIFY_RETRY_MAX_MS'],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS'],
  ])('refuse %j naming %s', (env, variable) => {
    const refused = refusal(env as Record<string, string>);
    expect(refused?.variable).toBe(variable);
    expect(refused?.message).toMatch(new RegExp(`^configuration: ${variable} `));
  });

  it('never repeat the SMTP password in a refusal', () => {
    const refused = refusal({ SMTP_URL: 'smtp://mailer:s3cret-pass@', MAIL_FROM: SMTP.MAIL_FROM });
    expect(refused?.variable).toBe('SMTP_URL');
    expect(refused?.message).not.toContain('s3cret-pass');
  });
});

describe('the PostgreSQL store’s settings', () => {
  it('take DATABASE_URL with EVENT_STORE=postgres, in the schema als unless DATABASE_SCHEMA names another', () => {
    expect(loadConfig({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://als:p%40ss@db.example.cn:5432/als' }).postgres).toEqual({ url: 'postgres://als:p%40ss@db.example.cn:5432/als', schema: 'als' });
    expect(loadConfig({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgresql://127.0.0.1/test', DATABASE_SCHEMA: 'shanxi_2020' }).postgres).toEqual({ url: 'postgresql://127.0.0.1/test', schema: 'shanxi_2020' });
    expect(loadConfig({}).postgres).toBeUndefined();
  });

  it.each([
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL', /required when EVENT_STORE=postgres/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://db/als' }, 'DATABASE_URL', /postgres:\/\//],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://' }, 'DATABASE_URL', /postgres:\/\//],
    [{ DATABASE_URL: 'postgres://db/als' }, 'DATABASE_URL', /only with EVENT_STORE=postgres/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/als', DATABASE_SCHEMA: 'Als; DROP' }, 'DATABASE_SCHEMA', /lower-case name/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/als', SANDBOX: 'true' }, 'SANDBOX', /EVENT_STORE=sqlite/],
  ])('refuse %j naming %s', (env, variable, reason) => {
    const refused = refusal(env as Record<string, string>);
    expect(refused?.variable).toBe(variable);
    expect(refused?.message).toMatch(reason);
  });
});
