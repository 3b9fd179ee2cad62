#pragma once
// Who is calling: the four Cognito groups, the authenticated principal, and TenantScope —
// the only way a handler can name a tenant in a tenant-area query. A TenantScope can be
// made only by resolve_scope() (api/scope.cpp), which applies the tenant-selection rule.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace painel::auth {

enum Group : unsigned {
  kInternalAdmin = 1,
  kInternalSupport = 2,
  kTenantAdmin = 4,
  kTenantUser = 8,
};
inline constexpr unsigned kInternal = kInternalAdmin | kInternalSupport;
inline constexpr unsigned kTenantGroups = kTenantAdmin | kTenantUser;
inline constexpr unsigned kAllGroups = kInternal | kTenantGroups;

std::optional<Group> group_from_name(std::string_view name);
const char* group_name(Group g);
int group_precedence(Group g);  // 1, 2, 10, 20
// The group a user acts with: lowest precedence number among known groups.
std::optional<Group> effective_group(const std::vector<std::string>& groups);

struct Principal {
  std::string user_id;  // our users.id (for external tokens: the linked user's id)
  std::string sub;      // token subject
  std::string email;
  std::string name;
  std::vector<std::string> groups;
  Group role = kTenantUser;
  std::optional<std::string> tenant_id;  // tenant users only
  bool external = false;                 // token from a configured Cognito user pool
  bool internal() const { return (role & kInternal) != 0; }
  bool can_see_costs() const { return role != kTenantUser; }
};

// The ingest API key a request was authenticated with (http::Access::IngestKey routes).
struct IngestKey {
  std::string id;
  std::optional<std::string> tenant_id;  // set: the key may write this tenant's events only
};

class TenantScope {
 public:
  const std::string& tenant_id() const { return tenant_id_; }
  bool internal_reader() const { return internal_reader_; }

 private:
  friend TenantScope make_tenant_scope(std::string id, bool internal_reader);
  TenantScope(std::string id, bool internal)
      : tenant_id_(std::move(id)), internal_reader_(internal) {}
  std::string tenant_id_;
  bool internal_reader_;
};

}  // namespace painel::auth
