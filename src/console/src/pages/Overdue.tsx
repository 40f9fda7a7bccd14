import { Typography } from 'antd';
import { useMessages } from '../i18n';
import type { Route } from '../navigation';

/** (being written) */
export function Overdue({ route }: { route: Route }) {
  const { t } = useMessages();
  void route;
  return <Typography.Title level={3}>{t.menuOverdue}</Typography.Title>;
}
