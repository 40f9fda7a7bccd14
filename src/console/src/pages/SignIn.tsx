import { Alert, Button, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call, Problem, ProblemError, service } from '../api';
import { useMessages } from '../i18n';
import { Frame } from './Frame';

interface Credentials {
  login: string;
  password: string;
  totp?: string;
}

export function SignIn({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t, problem: sentence } = useMessages();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [needsTotp, setNeedsTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [identityPlatform, setIdentityPlatform] = useState(false);

  useEffect(() => {
    (call(service.GET('/auth/methods')) as unknown as Promise<{ identityPlatform: boolean }>).then(
      (methods) => setIdentityPlatform(methods.identityPlatform),
      // Without the answer the password form still works.
      () => undefined,
    );
  }, []);

  const submit = async (values: Credentials) => {
    setBusy(true);
    setProblem(null);
    try {
      await call(service.POST('/auth/sign-in', { body: { login: values.login, password: values.password, ...(values.totp ? { totp: values.totp } : {}) } }));
      await onSignedIn();
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      if (error.problem.code === 'totp-required') setNeedsTotp(true);
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Frame title={t.signInTitle}>
      {problem && <Alert role="alert" type={problem.code === 'totp-required' ? 'info' : 'error'} showIcon title={sentence(problem)} style={{ marginBottom: 16 }} />}
      <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t.login} name="login" rules={[{ required: true, message: t.loginRequired }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t.password} name="password" rules={[{ required: true, message: t.passwordRequired }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {needsTotp && (
          <Form.Item label={t.totp} name="totp" extra={t.totpHint} rules={[{ required: true, pattern: /^\d{6}$/, message: t.totpHint }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t.signIn}
        </Button>
      </Form>
      {identityPlatform && (
        <Button href="/auth/oidc/start" block style={{ marginTop: 12 }}>
          {t.identityPlatform}
        </Button>
      )}
      <Typography.Paragraph style={{ marginTop: 16, textAlign: 'center' }}>
        <a href="/console/notices">{t.notices}</a>
      </Typography.Paragraph>
    </Frame>
  );
}
