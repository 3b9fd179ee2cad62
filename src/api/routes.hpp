#pragma once
// Route registration: each route group adds its entries (path, method, groups, handler)
// to the App's table in its own file.
namespace painel::auth {
class TokenService;
}
namespace painel::jobs {
class CommandSignal;
}
namespace painel::api {
class App;
void add_auth_routes(App& app, auth::TokenService& tokens);
void add_system_routes(App& app);    // healthz, readyz, metrics
void add_tenant_routes(App& app);    // /tenant/*
void add_internal_routes(App& app);  // /internal/tenants*, /internal/usage/overview
void add_billing_routes(App& app);   // /internal/billing/overview
void add_audit_routes(App& app);
void add_ingest_routes(App& app);  // POST /ingest/usage     // /internal/audit*
// /internal/operations/commands*; `signal` wakes this process's worker and long-pollers.
void add_command_routes(App& app, jobs::CommandSignal& signal);
void add_all_routes(App& app);  // everything (calls each group)
}  // namespace painel::api
