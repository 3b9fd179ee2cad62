// /internal/operations/commands — create (202, Idempotency-Key), list, read (with
// long-polling: ?wait=N returns as soon as the status differs from ?status_not=, or from
// the status at the time of the request), cancel, and four-eyes approval (approve, reject)
// of the types listed by `serve --require-approval`. Execution is the worker's
// (jobs/command_worker.cpp), which also expires approvals not given within 24 h.
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <memory>

#include "api/app.hpp"
#include "api/csv_export.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"
#include "api/write_support.hpp"
#include "cache/response_cache.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "domain/command_output.hpp"
#include "domain/commands.hpp"
#include "jobs/command_worker.hpp"
#include "obs/metrics.hpp"
#include "store/audit.hpp"
#include "store/commands.hpp"
#include "store/idempotency.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"

namespace painel::api {
namespace {

constexpr int64_t kMaxWaitS = 20;  // a long-poll holds a handler thread: keep it short

using ValidCommand = domain::CommandRequest;

// Stored JSON objects are rendered as objects; anything else (never written by us) as text.
void json_or_text(JsonOut& j, const std::optional<std::string>& v) {
  if (!v) {
    j.null();
    return;
  }
  rapidjson::Document d;
  d.Parse(v->data(), v->size());
  if (!d.HasParseError() && d.IsObject())
    j.raw(*v);
  else
    j.str(*v);
}

void render_command(JsonOut& j, const store::Command& c) {
  j.begin_object()
      .kv("command_id", c.id)
      .kv("command_type", c.command_type)
      .kv("status", c.status)
      .kv("tenant_id", c.tenant_id)
      .kv("tenant_name", c.tenant_name)
      .key("parameters");
  json_or_text(j, c.parameters);
  j.kv("created_by", c.created_by)
      .kv("created_by_role", c.created_by_role)
      .kv("created_by_email", c.created_by_email)
      .kv("created_by_name", c.created_by_name)
      .kv("created_at", c.created_at)
      .kv("started_at", c.started_at)
      .kv("completed_at", c.completed_at)
      .kv("output", domain::command_output(c.command_type, c.status, c.output))
      .key("result");
  if (auto r = domain::command_result(c.output))
    j.raw(*r);
  else
    j.null();
  j.kv("error_message", c.error_message).kv("attempts", c.attempts).kv("worker_id", c.worker_id);
  j.kv("approved_by", c.approved_by)
      .kv("approved_at", c.approved_at)
      .kv("decision_reason", c.decision_reason);
  j.end_object();
}

http::Response command_response(const store::Command& c) {
  JsonOut j;
  render_command(j, c);
  http::Response r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

// Referenced objects must exist and belong to the command's tenant (422 naming the
// parameter otherwise).
void check_references(store::Conn& c, const ValidCommand& v) {
  auto bad = [](std::string_view param, std::string_view what) {
    return unprocessable("parameter '" + std::string(param) + "': " + std::string(what));
  };
  const auto& t = v.tenant_id;
  if (auto a = v.params.get("agent_id"); a && !store::find_tenant_agent(c, *t, *a))
    throw bad("agent_id", "no such agent contracted by this tenant");
  if (auto i = v.params.get("integration_id"); i && !store::integration_in_tenant(c, *t, *i))
    throw bad("integration_id", "no such integration for this tenant");
  if (auto u = v.params.get("user_id"); u && !store::user_in_tenant(c, *t, *u))
    throw bad("user_id", "no such user in this tenant");
  if (auto i = v.params.get("incident_id")) {
    auto st = store::incident_status(c, t, *i);
    if (!st)
      throw bad("incident_id", t ? "no such incident for this tenant" : "no such global incident");
    if (*st == "resolved") throw bad("incident_id", "the incident is already resolved");
  }
}

// The per-type permission of the type table; cancelling is held to the same rule as
// creating, or support could cancel an admin's pending SUSPEND_TENANT.
void require_type_allowed(auth::Group role, const domain::CommandSpec& spec, const char* verb) {
  if ((spec.groups & role) == 0)
    throw forbidden(std::string(auth::group_name(role)) + " may not " + verb + " " +
                    std::string(spec.type) + " commands");
}

// The type (422), then the caller's group (403): before anything else, so a refused role
// learns nothing about the body.
const domain::CommandSpec& command_spec(http::RouteContext& ctx, const rapidjson::Document& doc) {
  auto type = doc.FindMember("command_type");
  if (type == doc.MemberEnd() || type->value.IsNull())
    throw unprocessable("command_type is required (one of: " + domain::command_type_list() + ")");
  if (!type->value.IsString()) throw unprocessable("command_type must be a string");
  std::string_view name(type->value.GetString(), type->value.GetStringLength());
  const auto* spec = domain::find_command(name);
  if (!spec)
    throw unprocessable("command_type: unknown type '" + std::string(name.substr(0, 64)) +
                        "' (one of: " + domain::command_type_list() + ")");
  require_type_allowed(ctx.who().role, *spec, "create");
  return *spec;
}

// The body in its normalized form (the original console's tenant placement accepted, the
// parameters validated): 422 naming the field.
ValidCommand normalize(const domain::CommandSpec& spec, const rapidjson::Document& doc) {
  auto checked = domain::normalize_request(spec, doc);
  if (auto* e = std::get_if<domain::ParamError>(&checked)) throw unprocessable(e->message);
  return std::get<ValidCommand>(std::move(checked));
}

// What the store must confirm: the tenant exists (404), what the parameters reference
// belongs to it (422).
void check_in_store(const CommandDeps& d, const ValidCommand& v) {
  auto& conn = d.store.conn();
  if (v.tenant_id && !store::tenant_exists(conn, *v.tenant_id)) throw not_found("tenant not found");
  check_references(conn, v);
}

bool needs_approval(const CommandDeps& d, std::string_view type) {
  const auto& types = d.config.require_approval;
  return std::find(types.begin(), types.end(), type) != types.end();
}

// Four-eyes: an AWAITING_APPROVAL command is decided by an INTERNAL_ADMIN other than its
// creator (403 for the creator, 409 once it is no longer awaiting approval). Approve → PENDING
// and the worker runs it; reject → CANCELLED with the reason. Both are audited with the
// creator and the decision.
http::Response decide_command(const CommandDeps& d, http::RouteContext& ctx, bool approve) {
  auto id = require_uuid(ctx.req.param("id"), "command id");
  std::string reason;
  if (!approve) reason = BodyFields(ctx.json_body(), {"reason"}).req_text("reason", 500);
  auto& who = ctx.who();
  std::string role = auth::group_name(who.role);
  // Off the global write lock: the command's row is locked before it is read (a decision
  // beside another, or beside a cancel, sees it decided).
  auto cmd = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    store::lock_row(c, store::LockedTable::Command, id);
    auto before = store::get_command(c, id);
    if (!before) throw not_found("command not found");
    if (before->status != domain::kAwaitingApproval)
      throw conflict("the command is " + before->status +
                     "; only AWAITING_APPROVAL commands can be " +
                     (approve ? "approved" : "rejected"));
    if (before->created_by == who.user_id)
      throw forbidden("four-eyes approval: another INTERNAL_ADMIN must " +
                      std::string(approve ? "approve" : "reject") +
                      " this command (its creator may cancel it)");
    int64_t now = d.clock.now_ms();
    if (approve)
      store::approve_command(c, id, who.user_id, now);
    else
      store::reject_command(c, id, reason, now);
    JsonOut meta;
    meta.begin_object()
        .kv("command_type", before->command_type)
        .kv("created_by", before->created_by)
        .kv("decision", approve ? "approved" : "rejected");
    if (!approve) meta.kv("reason", reason);
    meta.end_object();
    store::audit_append(c,
                        {who.user_id, role, approve ? "command.approve" : "command.reject",
                         before->tenant_id, id, ctx.req.request_id, ctx.req.remote_ip, meta.take()},
                        now);
    return *store::get_command(c, id);
  });
  d.signal.notify();
  if (cmd.tenant_id) d.cache.invalidate_tenant(*cmd.tenant_id);
  d.metrics.inc("painel_commands_approval_total",
                approve ? "decision=\"approved\"" : "decision=\"rejected\"");
  return command_response(cmd);
}

// Releases a claimed Idempotency-Key unless the request completed: failures are not stored.
class KeyClaimGuard {
 public:
  KeyClaimGuard(store::Store& s, const std::string& user, const std::optional<std::string>& key)
      : s_(s), user_(user), key_(key) {}
  ~KeyClaimGuard() {
    if (!key_ || done_) return;
    try {
      s_.write(store::WriteLock::RowLevel,  // one row's DELETE
               [&](store::Conn& c) { store::release_idempotency_key(c, user_, *key_); });
    } catch (...) {  // left in flight: taken over once stale
    }
  }
  void done() { done_ = true; }

 private:
  store::Store& s_;
  const std::string& user_;
  const std::optional<std::string>& key_;
  bool done_ = false;
};

http::Response create_command(const CommandDeps& d, http::RouteContext& ctx) {
  auto& who = ctx.who();
  const auto& doc = ctx.json_body();
  std::optional<std::string> key;
  if (auto h = ctx.req.header("idempotency-key"); h && !domain::valid_idempotency_key(*h))
    throw bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters");
  auto v = normalize(command_spec(ctx, doc), doc);
  if (auto h = ctx.req.header("idempotency-key")) {
    key = std::string(*h);
    // The normalized body is what is compared: the same command written in the original
    // console's form or in Painel's (tenant at the top or in parameters) is one request.
    std::string hash = painel::sha256_hex(v.canonical());
    // Off the global write lock: the key's row is locked as it is read; a first claim beside
    // another of the same key waits for it and then finds it in flight (409), as when
    // claims were serialized (store/idempotency.cpp).
    auto claim = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::claim_idempotency_key(c, who.user_id, *key, hash, d.clock.now_ms());
    });
    switch (claim.state) {
      case store::KeyClaim::Replay: {
        d.metrics.inc("painel_idempotency_total", "result=\"replay\"");
        http::Response r = json_response(claim.body, claim.status);
        r.set_header("Idempotent-Replayed", "true");
        return r;
      }
      case store::KeyClaim::InFlight:
        d.metrics.inc("painel_idempotency_total", "result=\"in_flight\"");
        throw conflict("a request with this Idempotency-Key is still being processed; retry later");
      case store::KeyClaim::Mismatch:
        d.metrics.inc("painel_idempotency_total", "result=\"mismatch\"");
        throw unprocessable("this Idempotency-Key was already used with a different request body");
      case store::KeyClaim::Claimed:
        break;
    }
  }
  KeyClaimGuard guard(d.store, who.user_id, key);
  check_in_store(d, v);
  std::string role = auth::group_name(who.role);
  bool four_eyes = needs_approval(d, v.spec->type);
  std::string body;
  // Off the global write lock: one new row (a fresh id), the key's row claimed above, the
  // audit row.
  auto cmd = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    int64_t now = d.clock.now_ms();
    auto created = store::create_command(
        c,
        {std::string(v.spec->type), v.tenant_id, v.params.to_json(), who.user_id, role,
         four_eyes ? std::string(domain::kAwaitingApproval) : "PENDING"},
        now);
    JsonOut meta;
    meta.begin_object()
        .kv("command_type", created.command_type)
        .key("parameters")
        .raw(created.parameters);
    if (four_eyes) meta.kv("awaiting_approval", true);
    meta.end_object();
    store::audit_append(c,
                        {who.user_id, role, "command.create", v.tenant_id, created.id,
                         ctx.req.request_id, ctx.req.remote_ip, meta.take()},
                        now);
    JsonOut j;
    j.begin_object()
        .kv("command_id", created.id)
        .kv("status", created.status)
        .kv("command_type", created.command_type)
        .kv("created_at", created.created_at)
        .kv("message", std::string(four_eyes ? "command awaiting approval by another "
                                               "INTERNAL_ADMIN: "
                                             : "command accepted: ") +
                           std::string(v.spec->summary))
        .end_object();
    body = j.take();
    if (key) store::complete_idempotency_key(c, who.user_id, *key, 202, body);
    return created;
  });
  guard.done();
  d.signal.notify();
  if (cmd.tenant_id) d.cache.invalidate_tenant(*cmd.tenant_id);
  d.metrics.inc("painel_commands_created_total", "type=\"" + cmd.command_type + "\"");
  http::Response r = json_response(std::move(body), 202);
  r.set_header("Location", "/internal/operations/commands/" + cmd.id);
  return r;
}

// The filtered history, newest first, page by page. Parameters and result are JSON text.
http::Response commands_csv(const CommandDeps& d, const store::CommandFilter& filter,
                            const CsvFormat& fmt) {
  auto read = [d, filter](store::PageRequest page, CsvWriter& w) {
    store::CommandFilter f = filter;
    f.limit = page.limit;
    f.offset = page.offset;
    int64_t total = 0;
    auto rows = store::list_commands(d.store.conn(), f, total);
    for (auto& c : rows) {
      w.text(c.id).text(c.command_type).text(c.status).text(c.tenant_id).text(c.tenant_name);
      w.text(c.parameters).text(c.created_by).text(c.created_by_role);
      w.text(c.created_by_email).text(c.created_by_name).text(c.created_at);
      w.text(c.started_at).text(c.completed_at);
      w.text(domain::command_output(c.command_type, c.status, c.output));
      w.text(domain::command_result(c.output)).text(c.error_message).num(c.attempts);
      w.text(c.approved_by).text(c.approved_at).text(c.decision_reason).end_row();
    }
    return static_cast<int64_t>(rows.size());
  };
  return csv_response(
      fmt, "painel-commands.csv",
      {"command_id",    "command_type", "status",          "tenant_id",        "tenant_name",
       "parameters",    "created_by",   "created_by_role", "created_by_email", "created_by_name",
       "created_at",    "started_at",   "completed_at",    "output",           "result",
       "error_message", "attempts",     "approved_by",     "approved_at",      "decision_reason"},
      offset_pages(read));
}

http::Response list_commands(const CommandDeps& d, http::RouteContext& ctx) {
  store::CommandFilter f;
  auto status = parse_enum(
      ctx.req, "status",
      {"PENDING", "RUNNING", "SUCCESS", "ERROR", "CANCELLED", "AWAITING_APPROVAL", "all"}, "all");
  if (status != "all") f.status = status;
  if (auto t = ctx.req.query_param("command_type")) {
    if (!domain::find_command(*t))
      throw invalid_field("command_type", "not-allowed",
                          "command_type must be one of: " + domain::command_type_list());
    f.command_type = std::string(*t);
  }
  f.tenant_id = parse_opt_uuid(ctx.req, "tenant_id");
  if (auto csv = csv_requested(ctx.req)) return commands_csv(d, f, *csv);
  auto page = parse_page(ctx.req);
  f.limit = page.limit;
  f.offset = page.offset;
  int64_t total = 0;
  auto rows = store::list_commands(d.store.conn(), f, total);
  JsonOut j;
  j.begin_object().key("commands").begin_array();
  for (auto& c : rows) render_command(j, c);
  page_fields(j.end_array(), total, page).end_object();
  http::Response r = json_response(j.take());
  r.set_header("Cache-Control", "no-store");
  return r;
}

// Long-polling: at most `max_waiters` requests wait at once (each holds a handler thread);
// beyond that the current state is answered at once and the client polls again.
http::Response get_command(const CommandDeps& d, http::RouteContext& ctx, std::atomic<int>& waiters,
                           int max_waiters) {
  auto id = require_uuid(ctx.req.param("id"), "command id");
  int64_t wait_s = 0;
  if (auto w = ctx.req.query_param("wait")) {
    auto [p, ec] = std::from_chars(w->data(), w->data() + w->size(), wait_s);
    if (ec != std::errc() || p != w->data() + w->size() || wait_s < 0 || wait_s > kMaxWaitS)
      throw invalid_field(
          "wait", "out-of-range",
          "wait must be a number of seconds between 0 and " + std::to_string(kMaxWaitS));
  }
  auto status_not =
      parse_opt_enum(ctx.req, "status_not",
                     {"PENDING", "RUNNING", "SUCCESS", "ERROR", "CANCELLED", "AWAITING_APPROVAL"});
  auto& store = d.store;
  auto cmd = store::get_command(store.conn(), id);
  if (!cmd) throw not_found("command not found");
  std::string baseline = status_not.value_or(cmd->status);
  if (wait_s == 0 || cmd->status != baseline || domain::is_terminal_status(cmd->status))
    return command_response(*cmd);
  if (waiters.fetch_add(1) >= max_waiters) {
    waiters.fetch_sub(1);
    http::Response r = command_response(*cmd);
    r.set_header("X-Long-Poll", "busy");
    return r;
  }
  struct Release {
    std::atomic<int>& w;
    ~Release() { w.fetch_sub(1); }
  } release{waiters};
  // Woken at once by this process's worker; commands run by other instances are seen by
  // re-reading every 200 ms.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  for (;;) {
    uint64_t seen = d.signal.generation();
    cmd = store::get_command(store.conn(), id);
    if (!cmd) throw not_found("command not found");
    auto now = std::chrono::steady_clock::now();
    if (cmd->status != baseline || now >= deadline) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    d.signal.wait(seen, std::min(left, std::chrono::milliseconds(200)));
  }
  return command_response(*cmd);
}

http::Response cancel_command(const CommandDeps& d, http::RouteContext& ctx) {
  auto id = require_uuid(ctx.req.param("id"), "command id");
  auto& who = ctx.who();
  std::string role = auth::group_name(who.role);
  if (auto before = store::get_command(d.store.conn(), id)) {
    // An unknown type (a row written by another version) stays cancellable by anyone staff.
    if (const auto* spec = domain::find_command(before->command_type))
      require_type_allowed(who.role, *spec, "cancel");
  }
  // Off the global write lock: cancel_command is one conditional UPDATE (PENDING only).
  auto result = d.store.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    int64_t now = d.clock.now_ms();
    auto r = store::cancel_command(c, id, now);
    if (r == store::CancelResult::Cancelled) {
      auto cmd = store::get_command(c, id);
      store::audit_append(
          c,
          {who.user_id, role, "command.cancel", cmd->tenant_id, id, ctx.req.request_id,
           ctx.req.remote_ip, "{\"command_type\":" + json_escape(cmd->command_type) + "}"},
          now);
    }
    return r;
  });
  if (result == store::CancelResult::NotFound) throw not_found("command not found");
  auto cmd = store::get_command(d.store.conn(), id);
  if (result == store::CancelResult::NotPending)
    throw conflict("the command is " + cmd->status + "; only PENDING commands can be cancelled" +
                   (d.config.require_approval.empty() ? "" : " (or AWAITING_APPROVAL ones)"));
  d.signal.notify();
  if (cmd->tenant_id) d.cache.invalidate_tenant(*cmd->tenant_id);
  d.metrics.inc("painel_commands_cancelled_total");
  return command_response(*cmd);
}

}  // namespace

void add_command_routes(http::Router& router, const CommandDeps& d) {
  using http::Access;
  constexpr unsigned kStaff = auth::kInternal;
  constexpr size_t kSmall = 16 * 1024;
  constexpr http::RouteFlags kJson{.json_body = true};
  auto waiters = std::make_shared<std::atomic<int>>(0);
  for (const auto& spec : domain::command_specs())  // every type at 0 from the start
    d.metrics.counter_ref("painel_commands_created_total",
                          "type=\"" + std::string(spec.type) + "\"");
  int max_waiters = std::max(1, d.config.handler_threads / 2);
  router.add({"POST", "/internal/operations/commands", Access::User, kStaff, kSmall, kJson,
              [d](http::RouteContext& ctx) { return create_command(d, ctx); }});
  router.add({"GET",
              "/internal/operations/commands",
              Access::User,
              kStaff,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return list_commands(d, ctx); }});
  router.add({"GET",
              "/internal/operations/commands/{id}",
              Access::User,
              kStaff,
              kSmall,
              {},
              [d, waiters, max_waiters](http::RouteContext& ctx) {
                return get_command(d, ctx, *waiters, max_waiters);
              }});
  router.add({"POST",
              "/internal/operations/commands/{id}/cancel",
              Access::User,
              kStaff,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return cancel_command(d, ctx); }});
  router.add({"POST",
              "/internal/operations/commands/{id}/approve",
              Access::User,
              auth::kInternalAdmin,
              kSmall,
              {},
              [d](http::RouteContext& ctx) { return decide_command(d, ctx, true); }});
  router.add({"POST", "/internal/operations/commands/{id}/reject", Access::User,
              auth::kInternalAdmin, kSmall, kJson,
              [d](http::RouteContext& ctx) { return decide_command(d, ctx, false); }});
}

}  // namespace painel::api
