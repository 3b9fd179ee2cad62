#pragma once
// Operational commands as pure rules: the type table (who may create each type, which
// parameters it takes, whether it needs a tenant, whether re-running it after a worker
// died is safe, its timeout), parameter validation, the status model and the canonical
// form of a request body used by Idempotency-Key. No store, no clock: unit-tested alone.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace painel::domain {

// Uuid and Day are Painel's own; Text, Count and TextList carry the original console's
// REPROCESS_QUEUE parameters (queue_name, max_messages / message_count, message_ids).
enum class ParamKind { Uuid, Day, Text, Count, TextList };

struct ParamSpec {
  std::string_view name;
  ParamKind kind;
  bool required;
};

struct CommandSpec {
  std::string_view type;   // "REPROCESS_QUEUE"
  unsigned groups;         // domain::Group bitmask allowed to create it
  bool tenant_required;    // false: the command may run without a tenant
  bool safe_to_retry;      // re-running after a worker died gives the same end state
  int64_t timeout_ms;      // enforced by the worker; the command ends in ERROR past it
  bool exactly_one_param;  // exactly one of `params` must be given (RESET_TOKEN)
  std::vector<ParamSpec> params;
  std::string_view summary;  // what it does, for the 202 message and docs
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command(std::string_view type);
std::string command_type_list();  // "REPROCESS_QUEUE, RESET_TOKEN, ..."

// One validated parameter: `value` is the text of a Uuid/Day/Text, the digits of a Count,
// or the compact JSON array of a TextList (json = true: written as JSON, not as a string).
struct CommandParam {
  std::string name, value;
  bool json = false;
};

// Validated parameters, sorted by name; uuids lower-cased, days as YYYY-MM-DD.
struct CommandParams {
  std::vector<CommandParam> values;
  std::optional<std::string> get(std::string_view name) const;
  std::string to_json() const;  // canonical: {"a":"..","b":3,"c":["x"]}
};

struct ParamError {
  std::string param;    // the parameter the message is about
  std::string message;  // names it, e.g. "parameter 'agent_id' is required for RESTART_AGENT"
};

// `params` is the request's "parameters" member, or nullptr when absent. Unknown
// parameters, wrong JSON types, malformed ids or days, and type-specific rules
// (REPROCESS_QUEUE: `to` needs `from`, from <= to, at most kMaxReprocessDays) are errors.
inline constexpr int64_t kMaxReprocessDays = 366;
inline constexpr size_t kMaxParamText = 200;      // a Text parameter, and each TextList item
inline constexpr size_t kMaxParamListItems = 1000;
inline constexpr int64_t kMaxParamCount = 1000000;
std::variant<CommandParams, ParamError> validate_parameters(const CommandSpec& spec,
                                                            const rapidjson::Value* params);

// A create-command body, normalized: the original console's forms are accepted beside
// Painel's. `parameters.tenant_id` stands for the top-level `tenant_id` when that is absent
// or null; both given and different is an error naming the conflict (equal is fine). The
// tenant id is lower-cased; the parameters are validated (validate_parameters) without it.
struct CommandRequest {
  const CommandSpec* spec = nullptr;
  std::optional<std::string> tenant_id;
  CommandParams params;
  // {"command_type":..,"parameters":{..},"tenant_id":..|null}: two bodies that normalize
  // the same (tenant at the top or in parameters, key order, uuid case) are one request
  // for Idempotency-Key.
  std::string canonical() const;
};
std::variant<CommandRequest, ParamError> normalize_request(const CommandSpec& spec,
                                                           const rapidjson::Value& body);

// Statuses: PENDING → RUNNING → SUCCESS | ERROR, or CANCELLED while PENDING. With four-eyes
// approval (`serve --require-approval`), the listed types start AWAITING_APPROVAL → PENDING
// (approved by another INTERNAL_ADMIN) or CANCELLED (rejected, expired or cancelled).
inline constexpr std::string_view kCommandStatuses[] = {"PENDING", "RUNNING", "SUCCESS", "ERROR",
                                                        "CANCELLED", "AWAITING_APPROVAL"};
inline constexpr std::string_view kAwaitingApproval = "AWAITING_APPROVAL";
// An AWAITING_APPROVAL command not decided within this long is cancelled ("approval expired").
inline constexpr int64_t kApprovalTtlMs = 24 * 3600 * 1000LL;
// The --require-approval value: comma-separated command types (spaces ignored, no
// duplicates kept). Throws std::invalid_argument naming an unknown type.
std::vector<std::string> parse_approval_types(std::string_view csv);
bool is_command_status(std::string_view s);
bool is_terminal_status(std::string_view s);

// A command found RUNNING with an expired lease (its worker died): retried when the type
// is safe to retry and it has not already been attempted max_attempts times.
inline constexpr int64_t kMaxAttempts = 3;
bool should_retry_after_lost_worker(const CommandSpec* spec, int64_t attempts);
std::string lost_worker_message(const CommandSpec* spec, std::string_view type, int64_t attempts,
                                std::string_view worker_id);

// JSON text with object keys sorted (recursively) and no whitespace: two bodies that mean
// the same thing hash the same (Idempotency-Key).
std::string canonical_json(const rapidjson::Value& v);

// An Idempotency-Key header value: 1..255 visible ASCII characters.
bool valid_idempotency_key(std::string_view key);

}  // namespace painel::domain
