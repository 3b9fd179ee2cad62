// /app/company/users — every account (GET /internal/users): search, group / tenant / status
// filters and paging in the URL; INTERNAL_ADMIN invites, disables / enables, changes groups,
// issues password links and ends sessions; INTERNAL_SUPPORT reads.

import { useAuth } from '../../auth/AuthProvider';
import { canManageStaffUsers } from '../../auth/guard';
import { UsersAdmin } from '../../components/UsersAdmin';
import { Page } from '../../components/ui';
import { useI18n } from '../../i18n/I18nProvider';

export default function Users() {
  const { t } = useI18n();
  const { role } = useAuth();
  return (
    <Page testId="page-users" title={t('users.title')} subtitle={t('users.subtitleStaff')}>
      <UsersAdmin scope="internal" canWrite={canManageStaffUsers(role)} />
    </Page>
  );
}
