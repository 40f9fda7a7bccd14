import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { useMessages } from './i18n';

/**
 * A banner on every page of a sandbox's console (`npm run sandbox`, SANDBOX=true): whoever looks at a page
 * knows its data are not real. It asks `/health` (public) once, and shows nothing on a production service
 * or when the answer does not say `sandbox: true`.
 */
export function SandboxBanner() {
  const { t } = useMessages();
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
  return <Alert banner type="warning" showIcon role="status" title={t.sandboxBanner} description={t.sandboxBannerDetail} />;
}
