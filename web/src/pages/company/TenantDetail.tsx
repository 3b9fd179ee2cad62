import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTenantDetail } from '../../api/hooks';
import { withTenant } from '../../auth/guard';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCnpj, formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, Empty, Kpi, KpiGrid, Page, QueryView, TableWrap } from '../../components/ui';
import { CommandStatusCell } from './CommandStatusCell';
import { ContractsCard, EditTenantButton } from './TenantForms';
import { useAuth } from '../../auth/AuthProvider';

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
              {d.agents.length ? (
                <TableWrap label={t('tenantDetail.agents')}>
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('agents.name')}</th>
                        <th scope="col">{t('agents.subnucleus')}</th>
                        <th scope="col">{t('common.status')}</th>
                        <th scope="col" className="num">
                          {t('agents.requests30d')}
                        </th>
                        <th scope="col" className="num">
                          {t('kpi.successRate')}
                        </th>
                        <th scope="col">{t('agents.activatedAt')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.agents.map((a) => {
                        const u = a.usage_last_30_days ?? a.usage_stats ?? {};
                        return (
                          <tr key={a.id}>
                            <th scope="row">{a.name}</th>
                            <td>{te('subnucleus', a.subnucleus)}</td>
                            <td>
                              <Badge prefix="status" value={a.status} />
                            </td>
                            <td className="num">{formatNumber(u.total_requests, lang)}</td>
                            <td className="num">{formatPercent(u.success_rate, lang)}</td>
                            <td>{formatDateTime(a.activated_at, lang)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </TableWrap>
              ) : (
                <Empty />
              )}
            </Card>

            <ContractsCard detail={d} />

            <div className="grid-2">
              <Card title={t('tenantDetail.users')} testId="tenant-users">
                {d.users.length ? (
                  <TableWrap label={t('tenantDetail.users')}>
                    <table className="table">
                      <thead>
                        <tr>
                          <th scope="col">{t('user.name')}</th>
                          <th scope="col">{t('user.role')}</th>
                          <th scope="col">{t('user.lastLogin')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.users.map((u) => (
                          <tr key={u.id}>
                            <th scope="row">
                              {u.full_name ?? u.email}
                              <div className="muted small">{u.email}</div>
                            </th>
                            <td>{te('role', u.group)}</td>
                            <td>{formatDateTime(u.last_login_at, lang)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                ) : (
                  <Empty />
                )}
              </Card>
              <Card title={t('tenantDetail.integrations')} testId="tenant-integrations">
                {d.integrations.length ? (
                  <TableWrap label={t('tenantDetail.integrations')}>
                    <table className="table">
                      <thead>
                        <tr>
                          <th scope="col">{t('integrations.name')}</th>
                          <th scope="col">{t('common.status')}</th>
                          <th scope="col">{t('integrations.lastSync')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.integrations.map((i) => (
                          <tr key={i.id}>
                            <th scope="row">
                              {i.name}
                              <div className="muted small">{te('integrationType', i.type)}</div>
                              {i.last_error ? <div className="error-text small">{i.last_error}</div> : null}
                            </th>
                            <td>
                              <Badge prefix="status" value={i.status} />
                            </td>
                            <td>{formatDateTime(i.last_sync_at, lang)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                ) : (
                  <Empty />
                )}
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
                {d.recent_commands.length ? (
                  <TableWrap label={t('tenantDetail.commandsRecent')}>
                    <table className="table">
                      <thead>
                        <tr>
                          <th scope="col">{t('commands.type')}</th>
                          <th scope="col">{t('common.status')}</th>
                          <th scope="col">{t('commands.createdAt')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.recent_commands.map((c) => (
                          <tr key={c.command_id}>
                            <th scope="row">{te('commandType', c.command_type)}</th>
                            <td>
                              <CommandStatusCell command={c} />
                            </td>
                            <td>{formatDateTime(c.created_at, lang)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                ) : (
                  <Empty />
                )}
              </Card>
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}
