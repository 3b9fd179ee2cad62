#include "domain/commands.hpp"

#include <gtest/gtest.h>

#include "domain/roles.hpp"

namespace painel::domain {
namespace {

rapidjson::Document parse(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

std::variant<CommandParams, ParamError> check(const char* type, const char* params) {
  auto d = parse(params);
  return validate_parameters(*find_command(type), &d);
}

template <typename T>
std::string error_param(const std::variant<T, ParamError>& v) {
  auto* e = std::get_if<ParamError>(&v);
  return e ? e->param : "";
}

TEST(CommandTable, HasEveryTypeOfTheContract) {
  for (auto t :
       {"REPROCESS_QUEUE", "RESET_TOKEN", "RESTART_AGENT", "HEALTH_CHECK", "RESOLVE_INCIDENT",
        "FLUSH_TENANT_CACHE", "SUSPEND_TENANT", "REACTIVATE_TENANT", "PAUSE_AGENT", "RESUME_AGENT"})
    EXPECT_NE(find_command(t), nullptr) << t;
  EXPECT_EQ(find_command("reprocess_queue"), nullptr);
  EXPECT_EQ(find_command("DROP_DATABASE"), nullptr);
  EXPECT_EQ(command_specs().size(), 10u);
}

TEST(CommandTable, SupportCannotCreateDestructiveTypes) {
  for (auto t : {"SUSPEND_TENANT", "REACTIVATE_TENANT", "PAUSE_AGENT", "RESUME_AGENT"}) {
    EXPECT_FALSE(find_command(t)->groups & domain::kInternalSupport) << t;
    EXPECT_TRUE(find_command(t)->groups & domain::kInternalAdmin) << t;
  }
  for (auto t : {"REPROCESS_QUEUE", "RESET_TOKEN", "RESTART_AGENT", "HEALTH_CHECK",
                 "RESOLVE_INCIDENT", "FLUSH_TENANT_CACHE"})
    EXPECT_EQ(find_command(t)->groups, domain::kInternal) << t;
  for (auto& s : command_specs()) EXPECT_FALSE(s.groups & domain::kTenantGroups) << s.type;
}

// Issue 21: REPROCESS_QUEUE without a tenant (as the original's integration test posts it)
// reprocesses every tenant's usage.
TEST(CommandTable, TenantOptionalOnlyForHealthCheckGlobalIncidentsAndReprocess) {
  for (auto& s : command_specs())
    EXPECT_EQ(s.tenant_required, s.type != "HEALTH_CHECK" && s.type != "RESOLVE_INCIDENT" &&
                                     s.type != "REPROCESS_QUEUE")
        << s.type;
}

TEST(CommandTable, EveryTypeHasATimeoutAndOnlyRestartIsUnsafeToRetry) {
  for (auto& s : command_specs()) {
    EXPECT_GT(s.timeout_ms, 0) << s.type;
    EXPECT_EQ(s.safe_to_retry, s.type != "RESTART_AGENT") << s.type;
  }
}

TEST(ValidateParameters, RequiredParameterIsNamed) {
  auto v = check("RESTART_AGENT", "{}");
  EXPECT_EQ(error_param(v), "agent_id");
  EXPECT_NE(std::get<ParamError>(v).message.find("agent_id"), std::string::npos);
  EXPECT_EQ(error_param(validate_parameters(*find_command("PAUSE_AGENT"), nullptr)), "agent_id");
}

TEST(ValidateParameters, UuidsAreCheckedAndLowerCased) {
  EXPECT_EQ(error_param(check("RESTART_AGENT", R"({"agent_id":"nope"})")), "agent_id");
  EXPECT_EQ(error_param(check("RESTART_AGENT", R"({"agent_id":42})")), "agent_id");
  auto v = check("RESTART_AGENT", R"({"agent_id":"0A1B2C3D-0000-4000-8000-00000000000A"})");
  ASSERT_TRUE(std::holds_alternative<CommandParams>(v));
  EXPECT_EQ(*std::get<CommandParams>(v).get("agent_id"), "0a1b2c3d-0000-4000-8000-00000000000a");
}

TEST(ValidateParameters, UnknownParametersAreRejected) {
  auto v = check("FLUSH_TENANT_CACHE", R"({"force":"yes"})");
  EXPECT_EQ(error_param(v), "force");
  EXPECT_EQ(error_param(check("HEALTH_CHECK", R"([1,2])")), "parameters");
  EXPECT_TRUE(std::holds_alternative<CommandParams>(check("HEALTH_CHECK", "null")));
}

TEST(ValidateParameters, ResetTokenNeedsExactlyOneTarget) {
  const char* u = R"({"user_id":"0a1b2c3d-0000-4000-8000-00000000000a"})";
  EXPECT_TRUE(std::holds_alternative<CommandParams>(check("RESET_TOKEN", u)));
  EXPECT_EQ(error_param(check("RESET_TOKEN", "{}")), "integration_id");
  EXPECT_EQ(error_param(check("RESET_TOKEN",
                              R"({"user_id":"0a1b2c3d-0000-4000-8000-00000000000a",
                                  "integration_id":"0a1b2c3d-0000-4000-8000-00000000000b"})")),
            "integration_id");
}

TEST(ValidateParameters, ReprocessDays) {
  EXPECT_TRUE(std::holds_alternative<CommandParams>(check("REPROCESS_QUEUE", "{}")));
  EXPECT_TRUE(std::holds_alternative<CommandParams>(
      check("REPROCESS_QUEUE", R"({"from":"2026-03-01","to":"2026-03-31"})")));
  EXPECT_TRUE(
      std::holds_alternative<CommandParams>(check("REPROCESS_QUEUE", R"({"from":"2026-03-01"})")));
  EXPECT_EQ(error_param(check("REPROCESS_QUEUE", R"({"to":"2026-03-01"})")), "from");
  EXPECT_EQ(error_param(check("REPROCESS_QUEUE", R"({"from":"2026-02-30"})")), "from");
  EXPECT_EQ(error_param(check("REPROCESS_QUEUE", R"({"from":"2026-03-02","to":"2026-03-01"})")),
            "to");
  EXPECT_EQ(error_param(check("REPROCESS_QUEUE", R"({"from":"2024-01-01","to":"2026-01-01"})")),
            "to");
}

TEST(CommandParams, CanonicalJsonIsSorted) {
  auto v = check("REPROCESS_QUEUE", R"({"to":"2026-03-02","from":"2026-03-01"})");
  EXPECT_EQ(std::get<CommandParams>(v).to_json(), R"({"from":"2026-03-01","to":"2026-03-02"})");
}

TEST(CanonicalJson, SameMeaningSameText) {
  auto a = parse(R"({"b":1,"a":{"y":[1,{"q":2,"p":1}],"x":"s"}})");
  auto b = parse(R"({ "a": {"x":"s", "y":[1,{"p":1,"q":2}]}, "b": 1 })");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(canonical_json(a), R"({"a":{"x":"s","y":[1,{"p":1,"q":2}]},"b":1})");
  auto c = parse(R"({"b":2,"a":{"x":"s","y":[1,{"p":1,"q":2}]}})");
  EXPECT_NE(canonical_json(a), canonical_json(c));
}

TEST(Statuses, TerminalStates) {
  EXPECT_TRUE(is_command_status("PENDING"));
  EXPECT_FALSE(is_command_status("pending"));
  EXPECT_FALSE(is_terminal_status("PENDING"));
  EXPECT_FALSE(is_terminal_status("RUNNING"));
  for (auto s : {"SUCCESS", "ERROR", "CANCELLED"}) EXPECT_TRUE(is_terminal_status(s));
}

TEST(Recovery, RetryOnlySafeTypesAndBoundedAttempts) {
  EXPECT_TRUE(should_retry_after_lost_worker(find_command("FLUSH_TENANT_CACHE"), 1));
  EXPECT_FALSE(should_retry_after_lost_worker(find_command("FLUSH_TENANT_CACHE"), kMaxAttempts));
  EXPECT_FALSE(should_retry_after_lost_worker(find_command("RESTART_AGENT"), 1));
  EXPECT_FALSE(should_retry_after_lost_worker(nullptr, 1));
  auto m = lost_worker_message(find_command("RESTART_AGENT"), "RESTART_AGENT", 1, "w1");
  EXPECT_NE(m.find("not safe to run twice"), std::string::npos);
  EXPECT_NE(m.find("w1"), std::string::npos);
}

TEST(IdempotencyKey, Shape) {
  EXPECT_TRUE(valid_idempotency_key("abc-123"));
  EXPECT_TRUE(valid_idempotency_key(std::string(255, 'k')));
  EXPECT_FALSE(valid_idempotency_key(std::string(256, 'k')));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key("has space"));
  EXPECT_FALSE(valid_idempotency_key("tab\t"));
}

// --- Issue 21: the original console's bodies ---

std::variant<CommandRequest, ParamError> body(const char* type, const char* text) {
  auto d = parse(text);
  return normalize_request(*find_command(type), d);
}

constexpr const char* kT = "0a1b2c3d-0000-4000-8000-00000000000a";

TEST(NormalizeRequest, TenantInParametersStandsForTheTopLevelOne) {
  auto a = body("RESET_TOKEN", R"({"parameters":{"tenant_id":"0A1B2C3D-0000-4000-8000-00000000000A",
                                   "integration_id":"0a1b2c3d-0000-4000-8000-0000000000bb"}})");
  ASSERT_TRUE(std::holds_alternative<CommandRequest>(a));
  auto& r = std::get<CommandRequest>(a);
  EXPECT_EQ(r.tenant_id, std::optional<std::string>(kT));
  EXPECT_FALSE(r.params.get("tenant_id"));  // the tenant, not a parameter
  auto b = body("RESET_TOKEN", R"({"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000a",
                                   "parameters":{"integration_id":"0a1b2c3d-0000-4000-8000-0000000000bb"}})");
  ASSERT_TRUE(std::holds_alternative<CommandRequest>(b));
  EXPECT_EQ(r.canonical(), std::get<CommandRequest>(b).canonical());
  auto both = body("RESTART_AGENT", R"({"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000a",
      "parameters":{"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000a","agent_id":"0a1b2c3d-0000-4000-8000-0000000000cc"}})");
  EXPECT_TRUE(std::holds_alternative<CommandRequest>(both));
}

TEST(NormalizeRequest, ConflictingAndMalformedTenantsAreNamed) {
  auto v = body("RESTART_AGENT", R"({"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000a",
      "parameters":{"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000b","agent_id":"0a1b2c3d-0000-4000-8000-0000000000cc"}})");
  ASSERT_EQ(error_param(v), "tenant_id");
  EXPECT_NE(std::get<ParamError>(v).message.find("parameters.tenant_id"), std::string::npos);
  EXPECT_EQ(error_param(body("RESTART_AGENT", R"({"parameters":{"tenant_id":"x","agent_id":"0a1b2c3d-0000-4000-8000-0000000000cc"}})")),
            "tenant_id");
  EXPECT_EQ(error_param(body("FLUSH_TENANT_CACHE", R"({"parameters":{}})")), "tenant_id");
  EXPECT_EQ(error_param(body("FLUSH_TENANT_CACHE", R"({"tenant_id":7})")), "tenant_id");
  EXPECT_EQ(error_param(body("FLUSH_TENANT_CACHE", R"({"tenant_id":"0a1b2c3d-0000-4000-8000-00000000000a","parameters":{"zzz":"1"}})")),
            "zzz");
}

TEST(NormalizeRequest, ReprocessQueueTakesTheOriginalsParameters) {
  auto v = body("REPROCESS_QUEUE",
                R"({"parameters":{"queue_name":"test-queue","max_messages":100,"message_ids":["a","b"]}})");
  ASSERT_TRUE(std::holds_alternative<CommandRequest>(v)) << std::get<ParamError>(v).message;
  auto& r = std::get<CommandRequest>(v);
  EXPECT_FALSE(r.tenant_id);
  EXPECT_EQ(r.params.to_json(),
            R"({"max_messages":100,"message_ids":["a","b"],"queue_name":"test-queue"})");
  // what is stored validates again (the worker re-reads it)
  auto again = parse(r.params.to_json().c_str());
  EXPECT_TRUE(std::holds_alternative<CommandParams>(
      validate_parameters(*find_command("REPROCESS_QUEUE"), &again)));
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"queue_name":""}})")), "queue_name");
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"queue_name":3}})")), "queue_name");
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"max_messages":0}})")), "max_messages");
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"message_count":"5"}})")), "message_count");
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"message_ids":[1]}})")), "message_ids");
  EXPECT_EQ(error_param(body("REPROCESS_QUEUE", R"({"parameters":{"queue":"leads"}})")), "queue");
}

}  // namespace
}  // namespace painel::domain
