// /app/company/alerts: the built-in alert rules and their state (GET /internal/alerts), the
// webhook delivery log (GET /internal/alerts/deliveries) and, for an INTERNAL_ADMIN, the
// "send test notification" button (POST /internal/alerts/test).

import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAlertDeliveries, useAlerts, useSendAlertTest, useTenantNames } from '../../api/alerts';
import { describeError } from '../../api/errors';
import { useAuth } from '../../auth/AuthProvider';
import { canSeeAudit } from '../../auth/guard';
import { DataTable } from '../../components/DataTable';
import { Card, Page, PagedQueryView, QueryView } from '../../components/ui';
import { useI18n } from '../../i18n/I18nProvider';
import {
  conditionText,
  deliveryTone,
  firingCount,
  formatAlertValue,
  sortRules,
  sortTenantStates,
  stateTone,
  type AlertRule,
} from '../../lib/alerts';
import { formatDateTime } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

const PAGE = 20;

export default function Alerts() {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const alerts = useAlerts();
  const [offset, setOffset] = useState(0);
  const deliveries = useAlertDeliveries(PAGE, offset);
  const sendTest = useSendAlertTest();
  const isAdmin = canSeeAudit(role); // INTERNAL_ADMIN only, as the route
  const webhooks = alerts.data?.webhooks ?? [];
  const nameOf = useTenantNames((alerts.data?.rules ?? []).flatMap((r) => (r.tenants ?? []).map((x) => x.tenant_id)));
  const send = () =>
    sendTest.mutateAsync().then(
      (r) => pushToast('success', t('alerts.testSent', { n: r.deliveries.length })),
      (e) => pushToast('error', describeError(e, t)),
    );

  return (
    <Page
      testId="page-alerts"
      title={t('alerts.title')}
      subtitle={t('alerts.subtitle', { seconds: Math.round((alerts.data?.interval_ms ?? 30000) / 1000) })}
      actions={
        isAdmin ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void send()}
            disabled={sendTest.isPending || webhooks.length === 0}
            data-testid="alerts-send-test"
          >
            {t('alerts.sendTest')}
          </button>
        ) : null
      }
    >
      <QueryView query={alerts}>
        {(d) => {
          const rules = sortRules(d.rules);
          const n = firingCount(rules);
          return (
            <>
              <Card title={t('alerts.webhooks')} testId="alerts-webhooks">
                {d.webhooks.length ? (
                  <ul>
                    {d.webhooks.map((w) => (
                      <li key={w}>
                        <code>{w}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">{t('alerts.noWebhooks')}</p>
                )}
              </Card>
              <Card
                title={t('alerts.rules')}
                testId="alerts-rules"
                actions={
                  <span className={`badge badge-${n ? 'bad' : 'ok'}`} data-testid="alerts-firing-count">
                    {n ? t('alerts.firing', { n }) : t('alerts.allQuiet')}
                  </span>
                }
              >
                <DataTable
                  label={t('alerts.rules')}
                  testId="alerts-table"
                  rows={rules}
                  rowKey={(r) => r.name}
                  rowAttributes={(r) => ({ 'data-testid': 'alert-row', 'data-rule': r.name, 'data-state': r.state })}
                  afterRow={(r) =>
                    r.scope === 'tenant' ? (
                      <tr className="alert-tenants-row" data-testid="alert-tenants" data-rule={r.name}>
                        <td colSpan={7}>
                          <TenantStates rule={r} nameOf={nameOf} />
                        </td>
                      </tr>
                    ) : null
                  }
                  columns={[
                    {
                      header: t('alerts.rule'),
                      rowHeader: true,
                      cell: (r) => (
                        <>
                          {r.name}
                          {r.summary ? <div className="muted small">{r.summary}</div> : null}
                        </>
                      ),
                    },
                    {
                      header: t('alerts.condition'),
                      className: 'nowrap',
                      cell: (r) => conditionText(r, lang, t('alerts.in')),
                    },
                    {
                      header: t('alerts.value'),
                      className: 'nowrap',
                      cell: (r) => formatAlertValue(r.expr, r.value, lang),
                    },
                    { header: t('alerts.severity'), cell: (r) => te('severity', r.severity) },
                    {
                      header: t('alerts.state'),
                      cell: (r) => (
                        <span className={`badge badge-${stateTone(r.state)}`} data-value={r.state}>
                          {te('alertState', r.state)}
                        </span>
                      ),
                    },
                    {
                      header: t('alerts.since'),
                      className: 'nowrap',
                      cell: (r) => (r.state === 'ok' ? '—' : formatDateTime(r.since, lang)),
                    },
                    {
                      header: t('alerts.incident'),
                      cell: (r) =>
                        r.incident_id ? <Link to="/app/company/incidents">{t('alerts.openIncident')}</Link> : '—',
                    },
                  ]}
                />
              </Card>
            </>
          );
        }}
      </QueryView>
      <Card title={t('alerts.deliveries')} testId="alerts-deliveries">
        <PagedQueryView
          query={deliveries}
          isEmpty={(d) => d.deliveries.length === 0}
          emptyText={t('alerts.noDeliveries')}
          limit={PAGE}
          offset={offset}
          onOffset={setOffset}
        >
          {(d) => (
            <DataTable
              label={t('alerts.deliveries')}
              testId="deliveries-table"
              rows={d.deliveries}
              rowKey={(x) => x.id}
              rowAttributes={(x) => ({ 'data-testid': 'delivery-row', 'data-status': x.status })}
              columns={[
                { header: t('alerts.when'), className: 'nowrap', cell: (x) => formatDateTime(x.created_at, lang) },
                { header: t('alerts.event'), cell: (x) => te('deliveryEvent', x.event) },
                { header: t('alerts.rule'), cell: (x) => x.rule },
                { header: t('alerts.target'), cell: (x) => <code>{x.target}</code> },
                {
                  header: t('alerts.result'),
                  cell: (x) => (
                    <>
                      <span className={`badge badge-${deliveryTone(x.status)}`} data-value={x.status}>
                        {te('deliveryStatus', x.status)}
                      </span>
                      {x.last_error && x.status !== 'delivered' ? (
                        <div className="muted small">{x.last_error}</div>
                      ) : null}
                    </>
                  ),
                },
                { header: t('alerts.attempts'), cell: (x) => x.attempts },
              ]}
            />
          )}
        </PagedQueryView>
      </Card>
    </Page>
  );
}

/** Under a tenant-scoped rule: its tenants not ok, or a line saying all are. */
function TenantStates({ rule, nameOf }: { rule: AlertRule; nameOf: (id: string) => string }) {
  const { t, te, lang } = useI18n();
  const tenants = sortTenantStates(rule.tenants ?? [], nameOf);
  if (!tenants.length)
    return (
      <div className="alert-tenants-box">
        <p className="muted small">{t('alerts.tenantsAllOk')}</p>
      </div>
    );
  return (
    <div className="alert-tenants-box">
      <p className="muted small">{t('alerts.tenantsNotOk', { n: tenants.length })}</p>
      <ul className="alert-tenants">
        {tenants.map((x) => (
          <li key={x.tenant_id} data-testid="alert-tenant" data-tenant-id={x.tenant_id} data-state={x.state}>
            <Link to={`/app/company/tenants/${encodeURIComponent(x.tenant_id)}`}>{nameOf(x.tenant_id)}</Link>
            <span className={`badge badge-${stateTone(x.state)}`} data-value={x.state}>
              {te('alertState', x.state)}
            </span>
            <span className="nowrap">
              {t('alerts.value')}: {formatAlertValue(rule.expr, x.value, lang)}
            </span>
            <span className="nowrap">
              {t('alerts.since')}: {formatDateTime(x.since, lang)}
            </span>
            {x.incident_id ? <Link to="/app/company/incidents">{t('alerts.openIncident')}</Link> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
