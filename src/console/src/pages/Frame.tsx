import { Button, Card, Layout, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useContext } from 'react';
import { LanguageContext, useMessages } from '../i18n';
import { SandboxBanner } from '../SandboxBanner';

/** The pages of a person not signed in: the platform's name, a card, the language switch. */
export function Frame({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  const { t } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  return (
    <Layout style={{ minHeight: '100vh', background: '#f0f4f8' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#1565c0' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
          {t.appName}
        </Typography.Text>
        <Button type="link" style={{ color: '#fff' }} onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
          {t.language}
        </Button>
      </Layout.Header>
      <SandboxBanner />
      <Layout.Content style={{ display: 'flex', justifyContent: 'center', alignItems: 'flex-start', padding: '8vh 16px' }}>
        <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{title}</h1>} style={{ width: wide ? 1000 : 420, maxWidth: '100%' }}>
          {children}
        </Card>
      </Layout.Content>
    </Layout>
  );
}
