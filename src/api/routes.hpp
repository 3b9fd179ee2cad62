#pragma once
// The route table, registered in one place (routes.cpp): each group adds its entries
// (method, path, access, groups, body limit, flags, handler) in its own file, built with
// the services it uses (api/route_deps.hpp).
#include "api/route_deps.hpp"
#include "http/router.hpp"

namespace painel::api {

// Every service a route group may need, handed over by whoever owns them (cli::Services).
struct RouteServices {
  const Config& config;
  store::Store& store;
  obs::Metrics& metrics;
  cache::ResponseCache& cache;
  RateLimiter& limiter;
  const Clock& clock;
  CachedReads& reads;
  auth::TokenService& tokens;
  jobs::CommandSignal& command_signal;
  std::string credentials_key;  // derive_credentials_key(master key): seals integration credentials
  mail::Mailer& mailer;         // invitation / reset links by e-mail (off without --smtp-url)
  const std::vector<domain::AlertRule>& alert_rules;  // what /internal/alerts shows
};

// The whole table: every group, each given only what it uses.
http::Router build_routes(const RouteServices& s);

void add_system_routes(http::Router& r, const SystemDeps& d);    // healthz, readyz, metrics
void add_tenant_routes(http::Router& r, const ReadDeps& d);      // /tenant/*
void add_internal_routes(http::Router& r, const ReadDeps& d);    // /internal/tenants*, usage
void add_billing_routes(http::Router& r, const ReadDeps& d);     // /internal/billing/overview
void add_audit_routes(http::Router& r, const AuditDeps& d);      // /internal/audit*
void add_ingest_routes(http::Router& r, const IngestDeps& d);    // POST /ingest/usage
void add_auth_routes(http::Router& r, const AuthDeps& d);        // /auth/*, jwks
void add_command_routes(http::Router& r, const CommandDeps& d);  // /internal/operations/*
void add_admin_tenant_routes(http::Router& r, const AdminTenantDeps& d);  // tenant writes
void add_catalog_routes(http::Router& r, const CatalogDeps& d);           // /internal/agents*
void add_incident_routes(http::Router& r, const IncidentDeps& d);         // /internal/incidents*
void add_integration_routes(http::Router& r, const IntegrationDeps& d);   // integration writes
void add_support_routes(http::Router& r, const ReadDeps& d);              // */support/requests*
void add_user_routes(http::Router& r, const UserDeps& d);  // */users*, POST /auth/password/reset
void add_user_session_routes(http::Router& r, const UserSessionDeps& d);  // users' sessions
void add_privacy_routes(http::Router& r,
                        const PrivacyDeps& d);  // /internal/users/{id}/export|erase
void add_monitoring_routes(http::Router& r, const ReadDeps& d);  // /internal/monitoring/*
void add_alert_routes(http::Router& r, const AlertDeps& d);      // /internal/alerts*

}  // namespace painel::api
