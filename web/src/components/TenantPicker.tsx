import { useState } from 'react';
import { useTenantList } from '../api/hooks';
import { useI18n } from '../i18n/I18nProvider';
import { useDebounced } from '../lib/useDebounced';
import { formatCnpj } from '../lib/format';

/**
 * A tenant <select> fed by GET /internal/tenants (all statuses, by name, 200 at most),
 * with a search box that narrows the list on the server when there are more.
 */
export function TenantPicker({
  id,
  label,
  value,
  onChange,
  allowEmpty,
  emptyLabel,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (id: string) => void;
  allowEmpty?: boolean;
  emptyLabel?: string;
  testId: string;
}) {
  const { t, te } = useI18n();
  const [filter, setFilter] = useState('');
  const search = useDebounced(filter.trim());
  const q = useTenantList({
    status: 'all',
    sort_by: 'name',
    sort_order: 'asc',
    limit: 200,
    offset: 0,
    search: search || undefined,
  });
  const tenants = q.data?.tenants ?? [];
  const selectedMissing = value && !tenants.some((x) => x.id === value);
  const more = q.data && q.data.total > tenants.length;

  return (
    <div className="field tenant-picker">
      <label htmlFor={id}>{label}</label>
      <div className="tenant-picker-row">
        <input
          type="search"
          aria-label={t('picker.filterTenants')}
          placeholder={t('picker.filterTenants')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid={`${testId}-search`}
          autoComplete="off"
        />
        <select
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
          aria-busy={q.isFetching}
        >
          {allowEmpty || !value ? <option value="">{emptyLabel ?? t('picker.chooseTenant')}</option> : null}
          {selectedMissing ? <option value={value}>{value}</option> : null}
          {tenants.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
              {x.cnpj ? ` — ${formatCnpj(x.cnpj)}` : ''}
              {x.status !== 'active' ? ` (${te('status', x.status)})` : ''}
            </option>
          ))}
        </select>
      </div>
      {more ? <div className="field-hint">{t('picker.moreTenants', { total: q.data!.total })}</div> : null}
    </div>
  );
}
