#include "domain/roles.hpp"

namespace painel::domain {

std::optional<Group> group_from_name(std::string_view n) {
  if (n == "INTERNAL_ADMIN") return kInternalAdmin;
  if (n == "INTERNAL_SUPPORT") return kInternalSupport;
  if (n == "TENANT_ADMIN") return kTenantAdmin;
  if (n == "TENANT_USER") return kTenantUser;
  return std::nullopt;
}

const char* group_name(Group g) {
  switch (g) {
    case kInternalAdmin:
      return "INTERNAL_ADMIN";
    case kInternalSupport:
      return "INTERNAL_SUPPORT";
    case kTenantAdmin:
      return "TENANT_ADMIN";
    case kTenantUser:
      return "TENANT_USER";
  }
  return "UNKNOWN";
}

int group_precedence(Group g) {
  switch (g) {
    case kInternalAdmin:
      return 1;
    case kInternalSupport:
      return 2;
    case kTenantAdmin:
      return 10;
    case kTenantUser:
      return 20;
  }
  return 1000;
}

std::optional<Group> effective_group(const std::vector<std::string>& groups) {
  std::optional<Group> best;
  for (auto& n : groups) {
    auto g = group_from_name(n);
    if (g && (!best || group_precedence(*g) < group_precedence(*best))) best = g;
  }
  return best;
}

}  // namespace painel::domain
