import { useSearchParams } from 'react-router-dom';
import { useAuth } from './AuthProvider';
import { isInternal, withTenant } from './guard';

/**
 * The tenant the customer pages show. Tenant users always see their own (the server
 * knows it from the token, so no tenant_id is sent); internal users look at the one named
 * by ?tenant_id= ("view as tenant"), which every customer-area link carries along.
 */
export function useTenantContext() {
  const { role } = useAuth();
  const [params] = useSearchParams();
  const internal = isInternal(role);
  const tenantId = internal ? params.get('tenant_id') : null;
  return {
    tenantId,
    viewingAs: internal && !!tenantId,
    link: (path: string) => withTenant(path, tenantId),
  };
}
