import { Alert, App, Button, Card, Checkbox, Flex, Form, Input, Radio, Skeleton, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call, Problem, service } from '../api';
import { Messages, useMessages } from '../i18n';
import { attempt, fieldErrors, ProblemAlert, useLoad } from '../parts';

/** The person's delivery preferences as GET /notifications/preferences answers them. */
interface PreferencesView {
  readonly emailKinds: string[];
  readonly emailMode: 'immediate' | 'digest';
  readonly language: 'zh' | 'en';
  readonly mobile: string | null;
  readonly smsReminders: boolean;
  readonly email: string | null;
  readonly kinds: string[];
  readonly smsKinds: string[];
  readonly channels: { readonly email: boolean; readonly sms: boolean };
  readonly digestHour: number;
}

interface Values {
  emailKinds: string[];
  emailMode: 'immediate' | 'digest';
  language: 'zh' | 'en';
  mobile?: string;
  smsReminders: boolean;
}

const MOBILE = /^1\d{10}$/;

/** A kind of notification in a few words, or its code when the console has none for it. */
const kindLabel = (t: Messages, kind: string) => (t as Record<string, string>)[`prefsKind:${kind}`] ?? kind;

/**
 * How the person signed in is told beyond the console: which kinds by e-mail, at once or in a daily
 * digest, the language, and reminders by SMS to a mobile number. What was typed stays in the form when
 * the service refuses it, the refusal beside its field.
 */
export function NotificationPreferences() {
  const { t, problem: sentence } = useMessages();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const loaded = useLoad(async () => (await call(service.GET('/notifications/preferences'))) as unknown as PreferencesView, []);
  const view = loaded.value;
  const smsReminders = Form.useWatch('smsReminders', form);

  // Filled once from what the service holds; after that the form keeps what the person types.
  useEffect(() => {
    if (view) form.setFieldsValue({ emailKinds: view.emailKinds, emailMode: view.emailMode, language: view.language, mobile: view.mobile ?? '', smsReminders: view.smsReminders });
  }, [view, form]);

  const save = async (values: Values) => {
    setProblem(null);
    setBusy(true);
    const mobile = values.mobile?.trim() ? values.mobile.trim() : null;
    const body = { emailKinds: values.emailKinds ?? [], emailMode: values.emailMode, language: values.language, mobile, smsReminders: !!values.smsReminders };
    const done = await attempt(
      () => call(service.PUT('/notifications/preferences', { body: body as never })),
      (found) => {
        setProblem(found);
        form.setFields(fieldErrors(found, sentence) as never);
      },
    );
    setBusy(false);
    if (done) void message.success(t.prefsSaved);
  };

  return (
    <Card id="notification-preferences" title={<h2 style={{ fontSize: 18, margin: 0 }}>{t.prefsTitle}</h2>} style={{ marginTop: 24 }}>
      <Typography.Paragraph type="secondary">{t.prefsIntro}</Typography.Paragraph>
      <ProblemAlert problem={loaded.problem ?? problem} />
      {view === undefined ? (
        loaded.problem ? null : <Skeleton active />
      ) : (
        <>
          {!view.channels.email && !view.channels.sms ? <Alert type="info" showIcon title={t.prefsOff} style={{ marginBottom: 16 }} /> : null}
          <Typography.Paragraph>{view.email ? t.prefsEmailTo.replace('{email}', view.email) : t.prefsNoEmail}</Typography.Paragraph>
          <Form<Values> form={form} layout="vertical" onFinish={(values) => void save(values)} disabled={busy} style={{ maxWidth: 720 }}>
            <Form.Item label={t.prefsKinds} required={false}>
              <Flex gap={8} style={{ marginBottom: 8 }}>
                <Button size="small" onClick={() => form.setFieldValue('emailKinds', view.kinds)}>
                  {t.prefsAll}
                </Button>
                <Button size="small" onClick={() => form.setFieldValue('emailKinds', [])}>
                  {t.prefsNone}
                </Button>
              </Flex>
              <Form.Item name="emailKinds" noStyle>
                <Checkbox.Group aria-label={t.prefsKinds} style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: 4 }} options={view.kinds.map((kind) => ({ value: kind, label: kindLabel(t, kind) }))} />
              </Form.Item>
            </Form.Item>
            <Form.Item name="emailMode" label={t.prefsMode}>
              <Radio.Group aria-label={t.prefsMode}>
                <Flex vertical gap={4}>
                  <Radio value="immediate">{t.prefsImmediate}</Radio>
                  <Radio value="digest">{t.prefsDigest.replace('{hour}', String(view.digestHour))}</Radio>
                </Flex>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="language" label={t.prefsLanguage}>
              <Radio.Group aria-label={t.prefsLanguage}>
                <Radio value="zh">
                  <span lang="zh-CN">中文</span>
                </Radio>
                <Radio value="en">
                  <span lang="en">English</span>
                </Radio>
              </Radio.Group>
            </Form.Item>
            {view.channels.sms ? null : <Typography.Paragraph type="secondary">{t.prefsSmsOff}</Typography.Paragraph>}
            <Form.Item name="smsReminders" label={t.prefsSms} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item
              name="mobile"
              label={t.prefsMobile}
              extra={t.prefsMobileHint}
              dependencies={['smsReminders']}
              rules={[
                { pattern: MOBILE, message: t.prefsMobileInvalid },
                { required: !!smsReminders, whitespace: true, message: t.prefsMobileRequired },
              ]}
            >
              <Input inputMode="numeric" autoComplete="tel-national" maxLength={11} style={{ maxWidth: 240 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t.prefsSave}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
