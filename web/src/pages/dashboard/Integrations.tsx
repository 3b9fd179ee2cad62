import { useTenantIntegrations } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime } from '../../lib/format';
import { Badge, Page, QueryView, TableWrap } from '../../components/ui';

export default function DashboardIntegrations() {
  const { t, te, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const q = useTenantIntegrations(tenantId);

  return (
    <Page testId="page-integrations" title={t('integrations.title')} subtitle={t('integrations.subtitle')}>
      <QueryView query={q} empty={(d) => d.integrations.length === 0}>
        {(d) => {
          // last_error is sent to admins only; the column appears when there is one to show.
          const showErrors = d.integrations.some((i) => !!i.last_error);
          return (
            <TableWrap label={t('integrations.title')} testId="integrations-table">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('integrations.name')}</th>
                    <th scope="col">{t('integrations.type')}</th>
                    <th scope="col">{t('common.status')}</th>
                    <th scope="col">{t('integrations.lastSync')}</th>
                    {showErrors ? <th scope="col">{t('integrations.lastError')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {d.integrations.map((i) => (
                    <tr key={i.id} data-testid="integration-row">
                      <th scope="row">{i.name}</th>
                      <td>{te('integrationType', i.type)}</td>
                      <td><Badge prefix="status" value={i.status} /></td>
                      <td>{formatDateTime(i.last_sync_at, lang)}</td>
                      {showErrors ? (
                        <td className="error-text" data-testid="integration-last-error">{i.last_error ?? ''}</td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          );
        }}
      </QueryView>
    </Page>
  );
}
