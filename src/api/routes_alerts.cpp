// /internal/alerts — the built-in alerts as staff see them (issue 17): the rules this
// process runs with their state (written by whichever instance evaluates, so any instance
// answers the same), the webhook delivery log, and a test notification to every webhook
// (INTERNAL_ADMIN, audited). The evaluation and the sending are jobs/alert_*.
#include <map>

#include "api/app.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "auth/principal.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "jobs/alert_job.hpp"
#include "store/alerts.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

http::Response list_alerts(const AlertDeps& d) {
  std::map<std::string, store::AlertStateRow> states;
  std::map<std::string, std::vector<store::AlertStateRow>> by_tenant;  // not ok, per rule
  for (auto& s : store::alert_states(d.store.conn()))
    if (s.scope.empty())
      states[s.rule] = s;
    else if (s.phase != "ok")
      by_tenant[s.rule].push_back(s);
  JsonOut j;
  j.begin_object().kv("interval_ms", d.config.alerts_interval_ms);
  j.key("webhooks").begin_array();
  for (auto& u : d.config.alert_webhooks) j.str(jobs::webhook_target(u));
  j.end_array().key("rules").begin_array();
  for (auto& r : d.rules) {
    j.begin_object().kv("name", r.name).kv("expr", domain::expr_name(r.expr));
    if (r.expr == domain::AlertExpr::Counter) {
      j.kv("metric", r.metric).key("labels").begin_object();
      for (auto& [k, v] : r.labels) j.kv(k, v);
      j.end_object();
    }
    j.key("threshold").dbl(r.threshold);
    j.kv("window_s", r.window_s).kv("severity", r.severity).kv("for_s", r.for_s);
    j.kv("clear_s", r.clear_s).kv("scope", r.scope).kv("summary", r.summary);
    auto it = states.find(r.name);
    if (it == states.end()) {
      j.kv("state", "ok").key("since").null().key("value").null();
      j.key("evaluated_at").null().key("incident_id").null();
    } else {
      auto& s = it->second;
      j.kv("state", s.phase).kv("since", format_rfc3339(s.since_ms)).key("value");
      if (s.value)
        j.dbl(*s.value);
      else
        j.null();
      j.kv("evaluated_at", format_rfc3339(s.updated_ms)).kv("incident_id", s.incident_id);
    }
    if (r.scope == "tenant") {
      j.key("tenants").begin_array();
      for (auto& s : by_tenant[r.name]) {
        j.begin_object().kv("tenant_id", s.scope).kv("state", s.phase);
        j.kv("since", format_rfc3339(s.since_ms)).key("value");
        if (s.value)
          j.dbl(*s.value);
        else
          j.null();
        j.kv("evaluated_at", format_rfc3339(s.updated_ms)).kv("incident_id", s.incident_id);
        j.end_object();
      }
      j.end_array();
    }
    j.end_object();
  }
  j.end_array().end_object();
  return json_response(j.take());
}

http::Response list_deliveries(const AlertDeps& d, http::RouteContext& ctx) {
  auto pg = parse_page(ctx.req, 20);
  auto page = store::list_alert_deliveries(d.store.conn(), {pg.limit, pg.offset});
  JsonOut j;
  j.begin_object().key("deliveries").begin_array();
  for (auto& x : page.items) {
    j.begin_object().kv("id", x.id).kv("created_at", format_rfc3339(x.created_ms));
    j.kv("event", x.event).kv("rule", x.rule).kv("target", x.target).kv("status", x.status);
    j.kv("attempts", x.attempts).key("last_http_status");
    if (x.last_http_status)
      j.num(*x.last_http_status);
    else
      j.null();
    j.kv("last_error", x.last_error).key("next_attempt_at");
    if (x.status == "pending")
      j.str(format_rfc3339(x.next_attempt_ms));
    else
      j.null();
    j.key("finished_at");
    if (x.finished_ms)
      j.str(format_rfc3339(*x.finished_ms));
    else
      j.null();
    j.end_object();
  }
  page_fields(j.end_array(), page.total, pg).end_object();
  return json_response(j.take());
}

http::Response send_test(const AlertDeps& d, http::RouteContext& ctx) {
  if (d.config.alert_webhooks.empty())
    throw conflict("no webhook is configured: start serve with --alert-webhook URL");
  int64_t now = d.clock.now_ms();
  auto& who = ctx.who();
  // Off the global write lock: new delivery rows (fresh ids) and the audit row.
  auto ids = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    domain::AlertNotice n{"",
                          "test",
                          nullptr,
                          std::nullopt,
                          std::nullopt,
                          format_rfc3339(now),
                          d.config.public_base_url()};
    auto out = jobs::queue_alert_notices(c, d.config.alert_webhooks, n, "test", now);
    JsonOut m;
    m.begin_object().kv("webhooks", out.size()).end_object();
    store::audit_append(
        c,
        {who.user_id, std::string(auth::group_name(who.role)), "alert.test", std::nullopt,
         std::nullopt, ctx.req.request_id, ctx.req.remote_ip, m.take()},
        now);
    return out;
  });
  JsonOut j;
  j.begin_object().key("deliveries").begin_array();
  for (size_t i = 0; i < ids.size(); ++i)
    j.begin_object()
        .kv("id", ids[i])
        .kv("target", jobs::webhook_target(d.config.alert_webhooks[i]))
        .kv("status", "pending")
        .end_object();
  j.end_array().end_object();
  return json_response(j.take(), 202);
}

}  // namespace

void add_alert_routes(http::Router& router, const AlertDeps& d) {
  using http::Access;
  constexpr size_t kSmall = 16 * 1024;
  router.add({"GET",
              "/internal/alerts",
              Access::User,
              auth::kInternal,
              kSmall,
              {},
              [d](http::RouteContext&) { return list_alerts(d); }});
  router.add({"GET",
              "/internal/alerts/deliveries",
              Access::User,
              auth::kInternal,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return list_deliveries(d, ctx); }});
  router.add({"POST",
              "/internal/alerts/test",
              Access::User,
              auth::kInternalAdmin,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return send_test(d, ctx); }});
}

}  // namespace painel::api
