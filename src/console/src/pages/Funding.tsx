import { Typography } from 'antd';
import { useMessages } from '../i18n';
import type { Route } from '../navigation';

/** (being written) */
export function Funding({ route }: { route: Route }) {
  const { t } = useMessages();
  void route;
  return <Typography.Title level={3}>{t.menuFunding}</Typography.Title>;
}
