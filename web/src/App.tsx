import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Guard } from './components/Guard';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import LoginPage from './pages/Login';
import ResetPasswordPage from './pages/ResetPassword';

// Each area is its own chunk: the login page loads without the charts.
const Dashboard = lazy(() => import('./pages/dashboard/Overview'));
const DashAgents = lazy(() => import('./pages/dashboard/Agents'));
const Fibonacci = lazy(() => import('./pages/dashboard/Fibonacci'));
const DashIntegrations = lazy(() => import('./pages/dashboard/Integrations'));
const Usage = lazy(() => import('./pages/dashboard/Usage'));
const Support = lazy(() => import('./pages/dashboard/Support'));
const Company = lazy(() => import('./pages/company/Overview'));
const Tenants = lazy(() => import('./pages/company/Tenants'));
const TenantDetail = lazy(() => import('./pages/company/TenantDetail'));
const CompanyAgents = lazy(() => import('./pages/company/Agents'));
const CompanyIntegrations = lazy(() => import('./pages/company/Integrations'));
const Operations = lazy(() => import('./pages/company/Operations'));
const Billing = lazy(() => import('./pages/company/Billing'));
const Catalog = lazy(() => import('./pages/company/Catalog'));
const Incidents = lazy(() => import('./pages/company/Incidents'));
const Alerts = lazy(() => import('./pages/company/Alerts'));
const SupportQueue = lazy(() => import('./pages/company/SupportQueue'));
const Users = lazy(() => import('./pages/company/Users'));
const Audit = lazy(() => import('./pages/company/Audit'));
const TenantUsers = lazy(() => import('./pages/dashboard/Users'));
const Account = lazy(() => import('./pages/Account'));
const Monitoring = lazy(() => import('./pages/company/Monitoring'));

export function App() {
  return (
    <Suspense
      fallback={
        <div className="fullpage">
          <Loading />
        </div>
      }
    >
      <Routes>
        <Route element={<Guard />}>
          <Route path="/app/login" element={<LoginPage />} />
          <Route path="/app/reset-password" element={<ResetPasswordPage />} />
          <Route element={<Layout />}>
            <Route path="/app/dashboard" element={<Dashboard />} />
            <Route path="/app/dashboard/agents" element={<DashAgents />} />
            <Route path="/app/dashboard/fibonacci" element={<Fibonacci />} />
            <Route path="/app/dashboard/integrations" element={<DashIntegrations />} />
            <Route path="/app/dashboard/usage" element={<Usage />} />
            <Route path="/app/dashboard/support" element={<Support />} />
            <Route path="/app/dashboard/users" element={<TenantUsers />} />
            <Route path="/app/account" element={<Account />} />
            <Route path="/app/company" element={<Company />} />
            <Route path="/app/company/tenants" element={<Tenants />} />
            <Route path="/app/company/tenants/:id" element={<TenantDetail />} />
            <Route path="/app/company/agents" element={<CompanyAgents />} />
            <Route path="/app/company/integrations" element={<CompanyIntegrations />} />
            <Route path="/app/company/operations" element={<Operations />} />
            <Route path="/app/company/billing" element={<Billing />} />
            <Route path="/app/company/catalog" element={<Catalog />} />
            <Route path="/app/company/incidents" element={<Incidents />} />
            <Route path="/app/company/support" element={<SupportQueue />} />
            <Route path="/app/company/users" element={<Users />} />
            <Route path="/app/company/audit" element={<Audit />} />
            <Route path="/app/company/monitoring" element={<Monitoring />} />
            <Route path="/app/company/monitoring/:board" element={<Monitoring />} />
            <Route path="/app/company/alerts" element={<Alerts />} />
          </Route>
          <Route path="*" element={<Navigate to="/app/" replace />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
