#include "store/commands.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/page.hpp"

namespace painel::store {
namespace {

constexpr const char* kColumns =
    "c.id, c.command_type, c.status, c.tenant_id, t.name, c.parameters, c.created_by, "
    "c.created_by_role, c.created_at, c.started_at, c.completed_at, c.output, c.error_message, "
    "c.worker_id, c.lease_until_ms, c.attempts, u.email, u.full_name, c.approved_by, "
    "c.approved_at, c.decision_reason";
constexpr const char* kFrom =
    " FROM operational_commands c LEFT JOIN tenants t ON t.id = c.tenant_id"
    " LEFT JOIN users u ON CAST(u.id AS TEXT) = CAST(c.created_by AS TEXT)";

constexpr const char* kInsert =
    "INSERT INTO operational_commands(id, command_type, tenant_id, parameters, status, "
    "created_by, created_by_role, created_at, attempts) VALUES (?,?,?,?,?,?,?,?,0)";
constexpr const char* kCancel =
    "UPDATE operational_commands SET status = 'CANCELLED', completed_at = ? "
    "WHERE id = ? AND status IN ('PENDING','AWAITING_APPROVAL')";
constexpr const char* kApprove =
    "UPDATE operational_commands SET status = 'PENDING', approved_by = ?, approved_at = ? "
    "WHERE id = ? AND status = 'AWAITING_APPROVAL'";
constexpr const char* kReject =
    "UPDATE operational_commands SET status = 'CANCELLED', decision_reason = ?, completed_at = ? "
    "WHERE id = ? AND status = 'AWAITING_APPROVAL'";
constexpr const char* kAwaitingBefore =
    "SELECT id FROM operational_commands WHERE status = 'AWAITING_APPROVAL' AND created_at < ? "
    "ORDER BY created_at, id LIMIT ?";

// The claim: the oldest PENDING row, taken in one statement. `AND status = 'PENDING'` on the
// outer UPDATE keeps it correct even where the sub-select could see a stale row.
constexpr const char* kClaimSqlite =
    "UPDATE operational_commands SET status = 'RUNNING', worker_id = ?, lease_until_ms = ?, "
    "started_at = ?, attempts = attempts + 1 WHERE id = (SELECT id FROM operational_commands "
    "WHERE status = 'PENDING' ORDER BY created_at, id LIMIT 1) AND status = 'PENDING' "
    "RETURNING id";
constexpr const char* kClaimPostgres =
    "UPDATE operational_commands SET status = 'RUNNING', worker_id = ?, lease_until_ms = ?, "
    "started_at = ?, attempts = attempts + 1 WHERE id = (SELECT id FROM operational_commands "
    "WHERE status = 'PENDING' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "AND status = 'PENDING' RETURNING id";

constexpr const char* kRenew =
    "UPDATE operational_commands SET lease_until_ms = ? "
    "WHERE id = ? AND worker_id = ? AND status = 'RUNNING'";
constexpr const char* kFinish =
    "UPDATE operational_commands SET status = ?, output = ?, error_message = ?, completed_at = ?, "
    "lease_until_ms = NULL WHERE id = ? AND worker_id = ? AND status = 'RUNNING'";
constexpr const char* kExpired =
    "SELECT id FROM operational_commands WHERE status = 'RUNNING' AND "
    "(lease_until_ms IS NULL OR lease_until_ms < ?) ORDER BY created_at, id LIMIT ?";
constexpr const char* kRequeue =
    "UPDATE operational_commands SET status = 'PENDING', worker_id = NULL, lease_until_ms = NULL, "
    "started_at = NULL WHERE id = ? AND status = 'RUNNING' AND "
    "(lease_until_ms IS NULL OR lease_until_ms < ?)";
constexpr const char* kFailExpired =
    "UPDATE operational_commands SET status = 'ERROR', error_message = ?, completed_at = ?, "
    "lease_until_ms = NULL WHERE id = ? AND status = 'RUNNING' AND "
    "(lease_until_ms IS NULL OR lease_until_ms < ?)";
constexpr const char* kRetention =
    "DELETE FROM operational_commands WHERE id IN (SELECT id FROM operational_commands "
    "WHERE created_at < ? AND status IN ('SUCCESS','ERROR','CANCELLED') LIMIT ?)";

Command row_to_command(const Row& r) {
  Command c;
  c.id = r.str(0);
  c.command_type = r.str(1);
  c.status = r.str(2);
  c.tenant_id = r.opt_str(3);
  c.tenant_name = r.opt_str(4);
  c.parameters = r.str(5);
  c.created_by = r.str(6);
  c.created_by_role = r.str(7);
  c.created_at = r.str(8);
  c.started_at = r.opt_str(9);
  c.completed_at = r.opt_str(10);
  c.output = r.opt_str(11);
  c.error_message = r.opt_str(12);
  c.worker_id = r.opt_str(13);
  c.lease_until_ms = r.opt_i64(14);
  c.attempts = r.i64(15);
  c.created_by_email = r.opt_str(16);
  c.created_by_name = r.opt_str(17);
  c.approved_by = r.opt_str(18);
  c.approved_at = r.opt_str(19);
  c.decision_reason = r.opt_str(20);
  return c;
}

}  // namespace

std::string command_stamp(int64_t ms) {
  std::string s = format_rfc3339(ms);
  if (s.find('.') == std::string::npos) s.insert(s.size() - 1, ".000");
  return s;
}

Command create_command(Conn& c, const NewCommand& n, int64_t now_ms) {
  std::string id = new_uuid();
  c.exec(kInsert, {id, n.command_type, opt(n.tenant_id), n.parameters, n.status, n.created_by,
                   n.created_by_role, command_stamp(now_ms)});
  return *get_command(c, id);
}

std::optional<Command> get_command(Conn& c, const std::string& id) {
  auto r = c.query(std::string("SELECT ") + kColumns + kFrom + " WHERE c.id = ?", {id});
  if (r.empty()) return std::nullopt;
  return row_to_command(r[0]);
}

std::vector<Command> list_commands(Conn& c, const CommandFilter& f, int64_t& total) {
  PagedQuery q(kFrom);
  if (f.status) q.where("c.status = ?", *f.status);
  if (f.command_type) q.where("c.command_type = ?", *f.command_type);
  if (f.tenant_id) q.where("c.tenant_id = ?", *f.tenant_id);
  auto page = fetch_page<Command>(c, q, kColumns, "c.created_at DESC, c.id DESC",
                                  {f.limit, f.offset}, row_to_command);
  total = page.total;
  return std::move(page.items);
}

CancelResult cancel_command(Conn& c, const std::string& id, int64_t now_ms) {
  if (c.exec(kCancel, {command_stamp(now_ms), id}) == 1) return CancelResult::Cancelled;
  return c.query("SELECT 1 FROM operational_commands WHERE id = ?", {id}).empty()
             ? CancelResult::NotFound
             : CancelResult::NotPending;
}

bool approve_command(Conn& c, const std::string& id, const std::string& approver, int64_t now_ms) {
  return c.exec(kApprove, {approver, command_stamp(now_ms), id}) == 1;
}

bool reject_command(Conn& c, const std::string& id, const std::string& reason, int64_t now_ms) {
  return c.exec(kReject, {reason, command_stamp(now_ms), id}) == 1;
}

std::vector<Command> awaiting_approval_before(Conn& c, int64_t cutoff_ms, int64_t limit) {
  std::vector<Command> out;
  for (auto& r : c.query(kAwaitingBefore, {command_stamp(cutoff_ms), limit}))
    if (auto cmd = get_command(c, r.str(0))) out.push_back(std::move(*cmd));
  return out;
}

std::optional<Command> claim_next(Conn& c, const std::string& worker_id, int64_t lease_ms,
                                  int64_t now_ms) {
  const char* sql = c.dialect() == Dialect::Postgres ? kClaimPostgres : kClaimSqlite;
  auto r = c.query(sql, {worker_id, now_ms + lease_ms, command_stamp(now_ms)});
  if (r.empty()) return std::nullopt;
  return get_command(c, r[0].str(0));
}

bool renew_lease(Conn& c, const std::string& id, const std::string& worker_id, int64_t until_ms) {
  return c.exec(kRenew, {until_ms, id, worker_id}) == 1;
}

bool finish_command(Conn& c, const std::string& id, const std::string& worker_id,
                    const std::string& status, const std::optional<std::string>& output,
                    const std::optional<std::string>& error_message, int64_t now_ms) {
  return c.exec(kFinish, {status, opt(output), opt(error_message), command_stamp(now_ms), id,
                          worker_id}) == 1;
}

std::vector<Command> expired_leases(Conn& c, int64_t now_ms, int64_t limit) {
  std::vector<Command> out;
  for (auto& r : c.query(kExpired, {now_ms, limit}))
    if (auto cmd = get_command(c, r.str(0))) out.push_back(std::move(*cmd));
  return out;
}

bool requeue_expired(Conn& c, const std::string& id, int64_t now_ms) {
  return c.exec(kRequeue, {id, now_ms}) == 1;
}

bool fail_expired(Conn& c, const std::string& id, const std::string& message, int64_t now_ms) {
  return c.exec(kFailExpired, {message, command_stamp(now_ms), id, now_ms}) == 1;
}

int64_t delete_commands_before(Conn& c, int64_t cutoff_ms, int64_t batch) {
  // PostgreSQL's DELETE has no LIMIT: the sub-select carries it, which works in both.
  return c.exec(kRetention, {command_stamp(cutoff_ms), batch});
}

std::optional<TenantAgentRef> find_tenant_agent(Conn& c, const std::string& tenant_id,
                                                const std::string& agent_id) {
  auto r = c.query(
      "SELECT ta.id, ta.agent_id, a.name, ta.status FROM tenant_agents ta "
      "JOIN agents a ON a.id = ta.agent_id WHERE ta.tenant_id = ? AND (ta.id = ? OR ta.agent_id = "
      "?)",
      {tenant_id, agent_id, agent_id});
  if (r.empty()) return std::nullopt;
  return TenantAgentRef{r[0].str(0), r[0].str(1), r[0].str(2), r[0].str(3)};
}

bool integration_in_tenant(Conn& c, const std::string& tenant_id, const std::string& id) {
  return !c.query("SELECT 1 FROM tenant_integrations WHERE id = ? AND tenant_id = ?",
                  {id, tenant_id})
              .empty();
}

bool user_in_tenant(Conn& c, const std::string& tenant_id, const std::string& user_id) {
  return !c.query("SELECT 1 FROM tenant_users WHERE user_id = ? AND tenant_id = ?",
                  {user_id, tenant_id})
              .empty();
}

std::optional<std::string> incident_status(Conn& c, const std::optional<std::string>& tenant_id,
                                           const std::string& incident_id) {
  auto r = tenant_id ? c.query("SELECT status FROM incidents WHERE id = ? AND tenant_id = ?",
                               {incident_id, *tenant_id})
                     : c.query("SELECT status FROM incidents WHERE id = ? AND tenant_id IS NULL",
                               {incident_id});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

bool tenant_exists(Conn& c, const std::string& tenant_id) {
  return !c.query("SELECT 1 FROM tenants WHERE id = ?", {tenant_id}).empty();
}

// --- Issue 14: statements moved here from jobs/command_worker and jobs/command_effects ---

namespace {
constexpr const char* kAnyPending =
    "SELECT 1 FROM operational_commands WHERE status = 'PENDING' LIMIT 1";
constexpr const char* kPendingQueue =
    "SELECT count(*), min(created_at) FROM operational_commands WHERE status = 'PENDING'";
constexpr const char* kTenantAgents =
    "SELECT ta.id, ta.agent_id, a.name, ta.status FROM tenant_agents ta "
    "JOIN agents a ON a.id = ta.agent_id WHERE ta.tenant_id = ? ORDER BY a.name_sort, a.name, "
    "ta.id";
}  // namespace

bool any_pending_command(Conn& c) { return !c.query(kAnyPending).empty(); }

PendingQueue pending_queue(Conn& c) {
  PendingQueue q;
  for (auto& r : c.query(kPendingQueue)) {
    q.count = r.i64(0);
    if (auto oldest = r.opt_str(1)) q.oldest_ms = parse_rfc3339(*oldest);
  }
  return q;
}

std::vector<TenantAgentRef> tenant_agents(Conn& c, const std::string& tenant_id) {
  std::vector<TenantAgentRef> out;
  c.each(kTenantAgents, {tenant_id}, [&](const Row& r) {
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
  });
  return out;
}

}  // namespace painel::store
