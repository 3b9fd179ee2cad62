// Monitoramento (issue 17): the three dashboards of the seed's CloudWatch — Overview,
// Tenant APIs, Internal APIs — over the metric history (GET /internal/monitoring/*),
// summed across instances, refreshed on their own; 1 h / 6 h / 24 h / 7 d.

import { NavLink, useParams, useSearchParams } from 'react-router-dom';
import {
  useMonitoringInternalApis,
  useMonitoringOverview,
  useMonitoringTenantApis,
  type Dashboard,
  type MonitoringEndpoint,
} from '../../api/monitoring';
import { BarChart, LineChart } from '../../components/Charts';
import { Card, Empty, Kpi, KpiGrid, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCompact, formatNumber, formatPercent } from '../../lib/format';
import {
  finishedSummary,
  formatLatencyMs,
  hasData,
  mib,
  parseRange,
  pick,
  RANGES,
  ratioToPercent,
  stepLabels,
  type Range,
} from '../../lib/monitoring';

const TABS: {
  slug: string;
  dashboard: Dashboard;
  label: 'mon.tab.overview' | 'mon.tab.tenantApis' | 'mon.tab.internalApis';
}[] = [
  { slug: '', dashboard: 'overview', label: 'mon.tab.overview' },
  { slug: 'tenant-apis', dashboard: 'tenant-apis', label: 'mon.tab.tenantApis' },
  { slug: 'internal-apis', dashboard: 'internal-apis', label: 'mon.tab.internalApis' },
];

function RangePicker({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  const { t } = useI18n();
  return (
    <div className="segmented" role="group" aria-label={t('mon.range')} data-testid="mon-range">
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={value === r}
          className={value === r ? 'active' : ''}
          onClick={() => onChange(r)}
          data-testid={`mon-range-${r}`}
        >
          {t(`mon.range.${r}`)}
        </button>
      ))}
    </div>
  );
}

function StepNote({ seconds }: { seconds: number }) {
  const { t, lang } = useI18n();
  const step = seconds >= 3600 ? `${seconds / 3600} h` : `${formatNumber(seconds / 60, lang)} min`;
  return (
    <p className="muted small" data-testid="mon-step">
      {t('mon.step', { step })}
    </p>
  );
}

/** A line chart, or "no data yet" when every series is zero. */
function Chart({
  testId,
  title,
  labels,
  series,
  formatValue,
}: {
  testId: string;
  title: string;
  labels: string[];
  series: { label: string; data: number[]; axis?: 'y' | 'y1' }[];
  formatValue?: (v: number) => string;
}) {
  const { t } = useI18n();
  return (
    <Card title={title}>
      {hasData(...series.map((s) => s.data)) ? (
        <LineChart
          testId={testId}
          title={title}
          labels={labels}
          series={series}
          height={220}
          formatValue={formatValue}
        />
      ) : (
        <Empty>{t('mon.noData')}</Empty>
      )}
    </Card>
  );
}

function EndpointTable({ rows, testId }: { rows: MonitoringEndpoint[]; testId: string }) {
  const { t, lang } = useI18n();
  return (
    <DataTable
      label={t('mon.endpoints')}
      testId={testId}
      rows={rows}
      empty={t('mon.noData')}
      rowKey={(e) => e.method + e.route}
      columns={[
        {
          header: t('mon.endpoint'),
          rowHeader: true,
          cell: (e) => (
            <code>
              {e.method} {e.route}
            </code>
          ),
        },
        { header: t('mon.requests'), align: 'right', cell: (e) => formatNumber(e.requests, lang) },
        { header: t('mon.rate'), align: 'right', cell: (e) => formatNumber(e.rate_per_s, lang, 3) },
        {
          header: t('mon.errorRate'),
          align: 'right',
          cell: (e) => formatPercent(ratioToPercent(e.error_rate), lang),
        },
        { header: t('mon.p50'), align: 'right', cell: (e) => formatLatencyMs(e.p50_ms, lang) },
        { header: t('mon.p95'), align: 'right', cell: (e) => formatLatencyMs(e.p95_ms, lang) },
        { header: t('mon.p99'), align: 'right', cell: (e) => formatLatencyMs(e.p99_ms, lang) },
      ]}
    />
  );
}

function Overview({ range }: { range: Range }) {
  const { t, lang } = useI18n();
  const q = useMonitoringOverview(range);
  return (
    <QueryView query={q}>
      {(d) => {
        const labels = stepLabels(
          d.points.map((p) => p.t),
          range,
          lang,
        );
        const ms = (v: number) => formatLatencyMs(v, lang);
        return (
          <div data-testid="mon-overview">
            <StepNote seconds={d.step_seconds} />
            <KpiGrid>
              <Kpi testId="mon-kpi-instances" label={t('mon.instancesUp')} value={formatNumber(d.instances_up, lang)} />
              <Kpi testId="mon-kpi-requests" label={t('mon.requests')} value={formatCompact(d.totals.requests, lang)} />
              <Kpi testId="mon-kpi-5xx" label={t('mon.errors5xx')} value={formatNumber(d.totals.errors_5xx, lang)} />
              <Kpi
                testId="mon-kpi-429"
                label={t('mon.rateLimited')}
                value={formatNumber(d.totals.rate_limited, lang)}
              />
              <Kpi testId="mon-kpi-p95" label={t('mon.p95')} value={formatLatencyMs(d.totals.p95_ms, lang)} />
              <Kpi
                testId="mon-kpi-cache"
                label={t('mon.cacheHitRatio')}
                value={formatPercent(ratioToPercent(d.totals.cache_hit_ratio), lang)}
              />
            </KpiGrid>
            <div className="grid-2">
              <Chart
                testId="chart-mon-requests"
                title={t('mon.requestsPerS')}
                labels={labels}
                series={[{ label: t('mon.requestsPerS'), data: pick(d.points, 'requests_per_s') }]}
              />
              <Chart
                testId="chart-mon-errors"
                title={t('mon.errors')}
                labels={labels}
                series={[
                  { label: t('mon.errors5xx'), data: pick(d.points, 'errors_5xx') },
                  { label: t('mon.rateLimited'), data: pick(d.points, 'rate_limited') },
                  { label: t('mon.errors4xx'), data: pick(d.points, 'errors_4xx'), axis: 'y1' },
                ]}
              />
              <Chart
                testId="chart-mon-latency"
                title={t('mon.latency')}
                labels={labels}
                formatValue={ms}
                series={[
                  { label: t('mon.p50'), data: pick(d.points, 'p50_ms', 1) },
                  { label: t('mon.p95'), data: pick(d.points, 'p95_ms', 1) },
                  { label: t('mon.p99'), data: pick(d.points, 'p99_ms', 1) },
                ]}
              />
              <Chart
                testId="chart-mon-store"
                title={t('mon.storeHealth')}
                labels={labels}
                series={[
                  { label: t('mon.cacheHitRatio'), data: d.points.map((p) => ratioToPercent(p.cache_hit_ratio) ?? 0) },
                  { label: t('mon.storeBusy'), data: pick(d.points, 'store_busy'), axis: 'y1' },
                  { label: t('mon.storeErrors'), data: pick(d.points, 'store_errors'), axis: 'y1' },
                  { label: t('mon.redisErrors'), data: pick(d.points, 'redis_errors'), axis: 'y1' },
                ]}
              />
              <Chart
                testId="chart-mon-memory"
                title={t('mon.memory')}
                labels={labels}
                series={[{ label: t('mon.memory'), data: mib(d.points) }]}
              />
              <Chart
                testId="chart-mon-cpu"
                title={t('mon.cpu')}
                labels={labels}
                series={[
                  { label: t('mon.cpu'), data: d.points.map((p) => Math.round(p.cpu_seconds_per_s * 1000) / 10) },
                ]}
              />
            </div>
          </div>
        );
      }}
    </QueryView>
  );
}

function TenantApis({ range }: { range: Range }) {
  const { t, lang } = useI18n();
  const q = useMonitoringTenantApis(range);
  return (
    <QueryView query={q}>
      {(d) => {
        const labels = stepLabels(
          d.points.map((p) => p.t),
          range,
          lang,
        );
        const top = d.top_tenants.map((x) => x.tenant_name ?? (x.tenant_id === 'other' ? t('mon.other') : x.tenant_id));
        return (
          <div data-testid="mon-tenant-apis">
            <StepNote seconds={d.step_seconds} />
            <div className="grid-2">
              <Chart
                testId="chart-mon-tenant-requests"
                title={t('mon.traffic')}
                labels={labels}
                series={[
                  { label: t('mon.requestsPerS'), data: pick(d.points, 'requests_per_s') },
                  { label: t('mon.errors5xx'), data: pick(d.points, 'errors_5xx'), axis: 'y1' },
                ]}
              />
              <Chart
                testId="chart-mon-tenant-latency"
                title={t('mon.latency')}
                labels={labels}
                formatValue={(v) => formatLatencyMs(v, lang)}
                series={[
                  { label: t('mon.p50'), data: pick(d.points, 'p50_ms', 1) },
                  { label: t('mon.p95'), data: pick(d.points, 'p95_ms', 1) },
                  { label: t('mon.p99'), data: pick(d.points, 'p99_ms', 1) },
                ]}
              />
            </div>
            <Card title={t('mon.topTenants')}>
              {d.top_tenants.length ? (
                <BarChart
                  testId="chart-mon-top-tenants"
                  title={t('mon.topTenants')}
                  labels={top}
                  horizontal
                  height={Math.max(160, 36 * top.length)}
                  series={[{ label: t('mon.requests'), data: d.top_tenants.map((x) => x.requests) }]}
                />
              ) : (
                <Empty>{t('mon.noData')}</Empty>
              )}
            </Card>
            <Card title={t('mon.endpoints')}>
              <EndpointTable rows={d.endpoints} testId="mon-tenant-endpoints" />
            </Card>
          </div>
        );
      }}
    </QueryView>
  );
}

function InternalApis({ range }: { range: Range }) {
  const { t, lang } = useI18n();
  const q = useMonitoringInternalApis(range);
  return (
    <QueryView query={q}>
      {(d) => {
        const labels = stepLabels(
          d.points.map((p) => p.t),
          range,
          lang,
        );
        const users = d.users.map((u) => u.email ?? (u.user_id === 'other' ? t('mon.other') : u.user_id));
        return (
          <div data-testid="mon-internal-apis">
            <StepNote seconds={d.step_seconds} />
            <div className="grid-2">
              <Chart
                testId="chart-mon-internal-requests"
                title={t('mon.traffic')}
                labels={labels}
                series={[
                  { label: t('mon.requestsPerS'), data: pick(d.points, 'requests_per_s') },
                  { label: t('mon.errors5xx'), data: pick(d.points, 'errors_5xx'), axis: 'y1' },
                ]}
              />
              <Card title={t('mon.users')}>
                {d.users.length ? (
                  <BarChart
                    testId="chart-mon-users"
                    title={t('mon.users')}
                    labels={users}
                    horizontal
                    height={Math.max(160, 36 * users.length)}
                    series={[{ label: t('mon.requests'), data: d.users.map((u) => u.requests) }]}
                  />
                ) : (
                  <Empty>{t('mon.noData')}</Empty>
                )}
              </Card>
              <Chart
                testId="chart-mon-queue"
                title={t('mon.queue')}
                labels={labels}
                series={[
                  { label: t('mon.queueDepth'), data: pick(d.points, 'queue_depth') },
                  { label: t('mon.queueAge'), data: pick(d.points, 'queue_age_s'), axis: 'y1' },
                ]}
              />
              <Chart
                testId="chart-mon-ingestion"
                title={t('mon.ingestion')}
                labels={labels}
                series={[
                  { label: t('mon.ingestedPerS'), data: pick(d.points, 'ingested_per_s') },
                  { label: t('mon.ingestRejected'), data: pick(d.points, 'ingest_rejected'), axis: 'y1' },
                  { label: t('mon.ingestDuplicates'), data: pick(d.points, 'ingest_duplicates'), axis: 'y1' },
                ]}
              />
              <Chart
                testId="chart-mon-aggregation"
                title={t('mon.aggregationLag')}
                labels={labels}
                series={[
                  {
                    label: t('mon.aggregationLag'),
                    data: d.points.map((p) =>
                      p.aggregation_lag_s === null ? 0 : Math.round(p.aggregation_lag_s / 36) / 100,
                    ),
                  },
                ]}
              />
            </div>
            <Card title={t('mon.commands')}>
              <DataTable
                label={t('mon.commands')}
                testId="mon-commands"
                rows={d.commands}
                empty={t('mon.noData')}
                rowKey={(c) => c.type}
                columns={[
                  { header: t('mon.commandType'), rowHeader: true, cell: (c) => <code>{c.type}</code> },
                  { header: t('mon.created'), align: 'right', cell: (c) => formatNumber(c.created, lang) },
                  { header: t('mon.finished'), cell: (c) => finishedSummary(c.finished) || '—' },
                ]}
              />
            </Card>
            <Card title={t('mon.endpoints')}>
              <EndpointTable rows={d.endpoints} testId="mon-internal-endpoints" />
            </Card>
          </div>
        );
      }}
    </QueryView>
  );
}

export default function Monitoring() {
  const { t } = useI18n();
  const { board = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const range = parseRange(params.get('range'));
  const tab = TABS.find((x) => x.slug === board) ?? TABS[0];
  const setRange = (r: Range) => setParams(r === '1h' ? {} : { range: r }, { replace: true });
  const suffix = range === '1h' ? '' : `?range=${range}`;
  return (
    <Page
      testId="page-monitoring"
      title={t('mon.title')}
      subtitle={t('mon.subtitle')}
      actions={<RangePicker value={range} onChange={setRange} />}
    >
      <nav className="segmented" aria-label={t('mon.tabs')} data-testid="mon-tabs">
        {TABS.map((x) => (
          <NavLink
            key={x.slug}
            to={`/app/company/monitoring${x.slug ? '/' + x.slug : ''}${suffix}`}
            end
            className={({ isActive }) => (isActive ? 'active' : '')}
            data-testid={`mon-tab-${x.dashboard}`}
          >
            {t(x.label)}
          </NavLink>
        ))}
      </nav>
      {tab.dashboard === 'overview' ? (
        <Overview range={range} />
      ) : tab.dashboard === 'tenant-apis' ? (
        <TenantApis range={range} />
      ) : (
        <InternalApis range={range} />
      )}
    </Page>
  );
}
