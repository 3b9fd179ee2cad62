import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTenantDetail } from '../../api/hooks';
import { withTenant } from '../../auth/guard';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCnpj, formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, Empty, Kpi, KpiGrid, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { CommandStatusCell } from './CommandStatusCell';
import { ContractsCard, EditTenantButton } from './TenantForms';
import { useAuth } from '../../auth/AuthProvider';
import { dayZone } from '../../lib/days';

export default function TenantDetail() {
  const { id = '' } = useParams();
  const { t, te, lang } = useI18n();
  const navigate = useNavigate();
  const q = useTenantDetail(id);
  const { role } = useAuth();
  const name = q.data?.tenant.name ?? t('tenantDetail.title');

  return (
    <Page
      testId="page-tenant-detail"
      title={name}
      subtitle={
        <Link to="/app/company/tenants" data-testid="back-to-tenants">
          ← {t('tenantDetail.back')}
        </Link>
      }
      actions={
        <>
          {role === 'INTERNAL_ADMIN' && q.data ? (
            <EditTenantButton detail={q.data} onReload={() => void q.refetch()} />
          ) : null}
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => navigate(withTenant('/app/dashboard', id))}
            data-testid="view-as-tenant"
          >
            {t('tenantDetail.viewAs')}
          </button>
          <Link className="btn" to={withTenant('/app/company/operations', id)} data-testid="tenant-operations-link">
            {t('tenantDetail.commands')}
          </Link>
        </>
      }
    >
      <QueryView query={q}>
        {(d) => (
          <>
            <Card title={t('tenantDetail.info')}>
              <dl className="facts">
                <div>
                  <dt>{t('tenant.cnpj')}</dt>
                  <dd>{formatCnpj(d.tenant.cnpj)}</dd>
                </div>
                <div>
                  <dt>{t('common.status')}</dt>
                  <dd>
                    <Badge prefix="status" value={d.tenant.status} testId="tenant-status" />
                  </dd>
                </div>
                <div>
                  <dt>{t('tenant.plan')}</dt>
                  <dd>{te('plan', d.tenant.plan)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.segment')}</dt>
                  <dd>{te('segment', d.tenant.segment)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.mrr')}</dt>
                  <dd>{formatMoney(d.tenant.mrr_estimate, lang)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.createdAt')}</dt>
                  <dd>{formatDateTime(d.tenant.created_at, lang)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.updatedAt')}</dt>
                  <dd>{formatDateTime(d.tenant.updated_at, lang)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.timeZone')}</dt>
                  <dd data-testid="tenant-time-zone">{dayZone(d.tenant.time_zone)}</dd>
                </div>
                <div>
                  <dt>{t('tenant.id')}</dt>
                  <dd>
                    <code>{d.tenant.id}</code>
                  </dd>
                </div>
              </dl>
            </Card>

            <KpiGrid>
              <Kpi
                testId="kpi-tenant-requests-7d"
                label={t('tenantDetail.requests7d')}
                value={formatNumber(d.usage_summary?.requests_last_7_days, lang)}
              />
              <Kpi
                testId="kpi-tenant-requests-30d"
                label={t('kpi.requests30d')}
                value={formatNumber(d.usage_summary?.requests_last_30_days, lang)}
              />
              <Kpi
                testId="kpi-tenant-success-rate"
                label={t('kpi.successRate')}
                value={formatPercent(d.usage_summary?.success_rate_last_30_days, lang)}
                hint={t('kpi.last30d')}
              />
              <Kpi
                testId="kpi-tenant-users"
                label={t('tenantDetail.users')}
                value={formatNumber(d.users.length, lang)}
              />
            </KpiGrid>

            <Card title={t('tenantDetail.agents')} testId="tenant-agents">
              <DataTable
                label={t('tenantDetail.agents')}
                rows={d.agents}
                empty={t('common.empty')}
                rowKey={(a) => a.id}
                columns={[
                  { header: t('agents.name'), rowHeader: true, cell: (a) => a.name },
                  { header: t('agents.subnucleus'), cell: (a) => te('subnucleus', a.subnucleus) },
                  { header: t('common.status'), cell: (a) => <Badge prefix="status" value={a.status} /> },
                  {
                    header: t('agents.requests30d'),
                    align: 'right',
                    cell: (a) => formatNumber((a.usage_last_30_days ?? a.usage_stats ?? {}).total_requests, lang),
                  },
                  {
                    header: t('kpi.successRate'),
                    align: 'right',
                    cell: (a) => formatPercent((a.usage_last_30_days ?? a.usage_stats ?? {}).success_rate, lang),
                  },
                  { header: t('agents.activatedAt'), cell: (a) => formatDateTime(a.activated_at, lang) },
                ]}
              />
            </Card>

            <ContractsCard detail={d} />

            <div className="grid-2">
              <Card title={t('tenantDetail.users')} testId="tenant-users">
                <DataTable
                  label={t('tenantDetail.users')}
                  rows={d.users}
                  empty={t('common.empty')}
                  rowKey={(u) => u.id}
                  columns={[
                    {
                      header: t('user.name'),
                      rowHeader: true,
                      cell: (u) => (
                        <>
                          {u.full_name ?? u.email}
                          <div className="muted small">{u.email}</div>
                        </>
                      ),
                    },
                    { header: t('user.role'), cell: (u) => te('role', u.group) },
                    { header: t('user.lastLogin'), cell: (u) => formatDateTime(u.last_login_at, lang) },
                  ]}
                />
              </Card>
              <Card title={t('tenantDetail.integrations')} testId="tenant-integrations">
                <DataTable
                  label={t('tenantDetail.integrations')}
                  rows={d.integrations}
                  empty={t('common.empty')}
                  rowKey={(i) => i.id}
                  columns={[
                    {
                      header: t('integrations.name'),
                      rowHeader: true,
                      cell: (i) => (
                        <>
                          {i.name}
                          <div className="muted small">{te('integrationType', i.type)}</div>
                          {i.last_error ? <div className="error-text small">{i.last_error}</div> : null}
                        </>
                      ),
                    },
                    { header: t('common.status'), cell: (i) => <Badge prefix="status" value={i.status} /> },
                    { header: t('integrations.lastSync'), cell: (i) => formatDateTime(i.last_sync_at, lang) },
                  ]}
                />
              </Card>
            </div>

            <div className="grid-2">
              <Card title={t('tenantDetail.incidents')} testId="tenant-incidents">
                {d.recent_incidents.length ? (
                  <ul className="incident-list">
                    {d.recent_incidents.map((i) => (
                      <li key={i.id} className="incident">
                        <div className="incident-head">
                          <Badge prefix="severity" value={i.severity} />
                          <strong>{i.title}</strong>
                          <Badge prefix="status" value={i.status} />
                        </div>
                        <p className="muted small">{formatDateTime(i.created_at, lang)}</p>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('company.noIncidents')}</Empty>
                )}
              </Card>
              <Card title={t('tenantDetail.commandsRecent')} testId="tenant-commands">
                <DataTable
                  label={t('tenantDetail.commandsRecent')}
                  rows={d.recent_commands}
                  empty={t('common.empty')}
                  rowKey={(c) => c.command_id}
                  columns={[
                    { header: t('commands.type'), rowHeader: true, cell: (c) => te('commandType', c.command_type) },
                    { header: t('common.status'), cell: (c) => <CommandStatusCell command={c} /> },
                    { header: t('commands.createdAt'), cell: (c) => formatDateTime(c.created_at, lang) },
                  ]}
                />
              </Card>
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}
