import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { redirectFor } from '../auth/guard';
import { Loading } from './ui';

/** Applies redirectFor() to every route: login, role areas, tenant context. */
export function Guard() {
  const { status, role, ended } = useAuth();
  const loc = useLocation();
  if (status === 'restoring') {
    return (
      <div className="fullpage">
        <Loading />
      </div>
    );
  }
  const to = redirectFor(status === 'authenticated' ? role : null, loc.pathname, loc.search, ended);
  if (to && to !== loc.pathname + loc.search) return <Navigate to={to} replace />;
  return <Outlet />;
}
