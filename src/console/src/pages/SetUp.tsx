import { Alert, Button, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, ProblemError, service } from '../api';
import { useMessages } from '../i18n';
import { Frame } from './Frame';

interface Choice {
  login: string;
  password: string;
  confirm: string;
}

/** The page a one-time set-up link opens: its secret is after #, so it never reaches a server log. */
export function SetUp({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t, problem: sentence } = useMessages();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const secret = window.location.hash.slice(1);

  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    return (
      <Frame title={t.setUpTitle}>
        <Result status="warning" title={t.setUpLinkMissing} subTitle={t.setUpLinkMissingDetail} />
      </Frame>
    );
  }

  const submit = async (values: Choice) => {
    setBusy(true);
    setProblem(null);
    try {
      await call(service.POST('/auth/setup', { body: { token: secret, login: values.login, password: values.password } }));
      // The link is spent: it leaves the address bar and the history.
      window.history.replaceState(null, '', '/console/');
      await onSignedIn();
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Frame title={t.setUpTitle}>
      <Typography.Paragraph type="secondary">{t.setUpIntro}</Typography.Paragraph>
      {problem && <Alert role="alert" type="error" showIcon title={sentence(problem)} style={{ marginBottom: 16 }} />}
      <Form<Choice> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t.login} name="login" rules={[{ required: true, message: t.loginRequired }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t.password} name="password" rules={[{ required: true, message: t.passwordRequired }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t.confirmPassword}
          name="confirm"
          dependencies={['password']}
          rules={[
            { required: true, message: t.passwordRequired },
            ({ getFieldValue }) => ({ validator: (_, value) => (value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t.passwordsDiffer))) }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t.setUp}
        </Button>
      </Form>
    </Frame>
  );
}
