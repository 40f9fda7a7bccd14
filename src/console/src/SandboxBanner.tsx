import { Alert } from 'antd';
import { useContext, useEffect, useState } from 'react';
import { Language, LanguageContext } from './i18n';

/** The banner's words, here rather than in i18n.ts: the banner is all that uses them. */
const WORDS: Record<Language, { readonly message: string; readonly description: string }> = {
  zh: { message: '演示沙盒：数据为模拟数据，不是正式系统', description: '这里的学校、项目和账号都是演示用的，请勿录入真实信息。' },
  en: { message: 'Sandbox: the data are simulated; this is not the production system', description: 'Its schools, projects and accounts are for trying the service out: enter nothing real.' },
};

/**
 * A banner on every page of a sandbox's console (`npm run sandbox`, SANDBOX=true): whoever looks at a page
 * knows its data are not real. It asks `/health` (public) once, and shows nothing on a production service
 * or when the answer does not say `sandbox: true`. The language is the console's, unless `language` says.
 */
export function SandboxBanner({ language }: { language?: Language }) {
  const context = useContext(LanguageContext);
  const [sandbox, setSandbox] = useState(false);
  useEffect(() => {
    let current = true;
    fetch('/health', { credentials: 'same-origin' })
      // A 503 (the store down) still says what the service is.
      .then((response) => response.json() as Promise<{ sandbox?: unknown }>)
      .then((health) => current && setSandbox(health.sandbox === true))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  if (!sandbox) return null;
  const words = WORDS[language ?? context.language];
  return <Alert banner type="warning" showIcon role="status" message={words.message} description={words.description} />;
}
