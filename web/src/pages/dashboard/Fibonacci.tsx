import { useTenantAgents } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { groupBySubnucleus } from '../../lib/fibonacci';
import { formatNumber, formatPercent } from '../../lib/format';
import { Badge, Page, QueryView } from '../../components/ui';

export default function Fibonacci() {
  const { t, te, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const agents = useTenantAgents(tenantId, 'all');

  return (
    <Page testId="page-fibonacci" title={t('fibonacci.title')} subtitle={t('fibonacci.subtitle')}>
      <QueryView query={agents}>
        {(d) => (
          <div className="subnuclei">
            {groupBySubnucleus(d.agents).map((g) => (
              <article
                key={g.id}
                className={`subnucleus health-${g.health}`}
                data-testid={`subnucleus-${g.id}`}
                aria-labelledby={`sn-${g.id}`}
              >
                <header>
                  <h2 id={`sn-${g.id}`}>{te('subnucleus', g.id)}</h2>
                  <Badge prefix="health" value={g.health} testId={`subnucleus-${g.id}-health`} />
                </header>
                <dl className="facts facts-compact">
                  <div>
                    <dt>{t('fibonacci.agents')}</dt>
                    <dd>
                      {formatNumber(g.activeAgents, lang)} / {formatNumber(g.agents.length, lang)}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('fibonacci.requests')}</dt>
                    <dd>{formatNumber(g.totalRequests, lang)}</dd>
                  </div>
                  <div>
                    <dt>{t('kpi.successRate')}</dt>
                    <dd>{formatPercent(g.successRate, lang)}</dd>
                  </div>
                </dl>
                {g.agents.length ? (
                  <ul className="agent-list">
                    {g.agents.map((a) => (
                      <li key={a.id}>
                        <span>{a.name}</span> <Badge prefix="status" value={a.status} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted small">{t('fibonacci.noAgents')}</p>
                )}
              </article>
            ))}
          </div>
        )}
      </QueryView>
    </Page>
  );
}
