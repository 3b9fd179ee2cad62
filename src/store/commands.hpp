#pragma once
// The operational command queue (the original's DynamoDB table): create, read, list,
// cancel, and the worker's side — claim the oldest PENDING command atomically, renew its
// lease while it runs, finish it, recover commands whose worker died, retention.
//
// Claiming is one UPDATE ... WHERE id = (oldest PENDING) AND status = 'PENDING' RETURNING,
// run in the caller's write transaction: on SQLite the write lock serializes claimers, on
// PostgreSQL the sub-select takes FOR UPDATE SKIP LOCKED so instances never wait on or
// double-claim a row. finish() only succeeds for the worker that holds the row, so an
// effect committed with it can never run twice.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct Command {
  std::string id, command_type, status;
  std::optional<std::string> tenant_id, tenant_name;
  std::string parameters;  // JSON object text
  std::string created_by, created_by_role, created_at;
  std::optional<std::string> created_by_email, created_by_name;  // the creating user, when local
  std::optional<std::string> started_at, completed_at, output, error_message, worker_id;
  std::optional<int64_t> lease_until_ms;
  int64_t attempts = 0;
  // Four-eyes approval: who approved and when; why it was rejected or expired.
  std::optional<std::string> approved_by, approved_at, decision_reason;
};

struct NewCommand {
  std::string command_type;
  std::optional<std::string> tenant_id;
  std::string parameters = "{}";
  std::string created_by, created_by_role;
  std::string status = "PENDING";  // or AWAITING_APPROVAL (four-eyes)
};

// Instants in this table are RFC 3339 with milliseconds always present, so text order is
// time order (format_rfc3339 drops ".000", which would sort 12:00:00Z after 12:00:00.5Z).
std::string command_stamp(int64_t ms);

// Inserts a PENDING (or AWAITING_APPROVAL) command; returns it (with created_at).
Command create_command(Conn& c, const NewCommand& n, int64_t now_ms);
std::optional<Command> get_command(Conn& c, const std::string& id);

struct CommandFilter {
  std::optional<std::string> status, command_type, tenant_id;
  int64_t limit = 50, offset = 0;
};
// Newest first (created_at, then id), with tenant_name filled.
std::vector<Command> list_commands(Conn& c, const CommandFilter& f, int64_t& total);

enum class CancelResult { Cancelled, NotFound, NotPending };
// PENDING or AWAITING_APPROVAL → CANCELLED.
CancelResult cancel_command(Conn& c, const std::string& id, int64_t now_ms);

// Four-eyes decisions, only while AWAITING_APPROVAL (false otherwise): approve → PENDING
// (the worker runs it), reject → CANCELLED with the reason (also "approval expired").
bool approve_command(Conn& c, const std::string& id, const std::string& approver, int64_t now_ms);
bool reject_command(Conn& c, const std::string& id, const std::string& reason, int64_t now_ms);
// AWAITING_APPROVAL commands created before cutoff_ms, oldest first (at most `limit`).
std::vector<Command> awaiting_approval_before(Conn& c, int64_t cutoff_ms, int64_t limit = 100);

// Worker side. Call inside a write transaction.
std::optional<Command> claim_next(Conn& c, const std::string& worker_id, int64_t lease_ms,
                                  int64_t now_ms);
// Extends the lease of a command this worker is running; false if it is no longer ours.
bool renew_lease(Conn& c, const std::string& id, const std::string& worker_id, int64_t until_ms);
// RUNNING → SUCCESS | ERROR for the worker that holds it; false if it is no longer ours.
bool finish_command(Conn& c, const std::string& id, const std::string& worker_id,
                    const std::string& status, const std::optional<std::string>& output,
                    const std::optional<std::string>& error_message, int64_t now_ms);

// RUNNING commands whose lease expired before now_ms (at most `limit`).
std::vector<Command> expired_leases(Conn& c, int64_t now_ms, int64_t limit = 100);
// Back to PENDING (for another attempt) or to ERROR with `message`; false if the row
// changed meanwhile (another instance recovered it, or its worker came back).
bool requeue_expired(Conn& c, const std::string& id, int64_t now_ms);
bool fail_expired(Conn& c, const std::string& id, const std::string& message, int64_t now_ms);

// Retention: deletes finished commands created before cutoff_ms (batches of `batch`).
int64_t delete_commands_before(Conn& c, int64_t cutoff_ms, int64_t batch = 1000);

// References a command names, looked up within its tenant.
struct TenantAgentRef {
  std::string id, agent_id, name, status;
};
// agent_id may be the contract's id (tenant_agents.id) or the catalog agent's id.
std::optional<TenantAgentRef> find_tenant_agent(Conn& c, const std::string& tenant_id,
                                                const std::string& agent_id);
bool integration_in_tenant(Conn& c, const std::string& tenant_id, const std::string& id);
bool user_in_tenant(Conn& c, const std::string& tenant_id, const std::string& user_id);
// The incident's status if it exists and belongs to the tenant (nullopt tenant: a global
// incident).
std::optional<std::string> incident_status(Conn& c, const std::optional<std::string>& tenant_id,
                                           const std::string& incident_id);
bool tenant_exists(Conn& c, const std::string& tenant_id);

// --- Issue 14: statements moved here from jobs/command_worker and jobs/command_effects ---

// True if some command waits to be claimed: a plain read, so idle workers can poll without
// taking the write lock.
bool any_pending_command(Conn& c);
// The queue as an operator watches it (painel_commands_pending and its oldest's age).
struct PendingQueue {
  int64_t count = 0;
  std::optional<int64_t> oldest_ms;  // created_at of the oldest PENDING command
};
PendingQueue pending_queue(Conn& c);
// Every contract of the tenant (the health check's agents), by agent name then id.
std::vector<TenantAgentRef> tenant_agents(Conn& c, const std::string& tenant_id);

}  // namespace painel::store
