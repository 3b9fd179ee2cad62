// /app/dashboard/users — the tenant admin's people (GET /tenant/users): the same list,
// invite, disable / enable, group and password link as staff get, for their own tenant,
// with "N de max_users" from /tenant/me. TENANT_USER never gets here (route guard).

import { useTenantMe } from '../../api/hooks';
import { UsersAdmin } from '../../components/UsersAdmin';
import { Page } from '../../components/ui';
import { useI18n } from '../../i18n/I18nProvider';
import { userQuota } from '../../lib/accounts';

function Quota() {
  const { t } = useI18n();
  const me = useTenantMe(null);
  const q = userQuota(me.data);
  if (!q) return null;
  return (
    <div>
      <p className="quota-line" data-testid="users-quota" data-active={q.active} data-max={q.max ?? undefined}>
        {q.max === null
          ? t('users.quotaNoLimit', { active: q.active })
          : t('users.quota', { active: q.active, max: q.max })}
      </p>
      {q.full ? (
        <p className="notice notice-warn small" data-testid="users-full">
          {t('users.full')}
        </p>
      ) : null}
    </div>
  );
}

export default function TenantUsers() {
  const { t } = useI18n();
  return (
    <Page testId="page-dashboard-users" title={t('users.title')} subtitle={t('users.subtitleTenant')}>
      <UsersAdmin scope="tenant" canWrite header={<Quota />} />
    </Page>
  );
}
