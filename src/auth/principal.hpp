#pragma once
// Who is calling: the authenticated principal (acting in one of the groups of
// domain/roles.hpp) or the ingest key of a request.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/roles.hpp"

namespace painel::auth {

// The groups live in domain/roles.hpp (command types name them too); auth:: spellings stay.
using domain::effective_group;
using domain::Group;
using domain::group_from_name;
using domain::group_name;
using domain::group_precedence;
using domain::kAllGroups;
using domain::kInternal;
using domain::kInternalAdmin;
using domain::kInternalSupport;
using domain::kTenantAdmin;
using domain::kTenantGroups;
using domain::kTenantUser;

struct Principal {
  std::string user_id;  // our users.id (for external tokens: the linked user's id)
  std::string sub;      // token subject
  std::string sid;      // the token's login session (refresh family); "" when none
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

}  // namespace painel::auth
