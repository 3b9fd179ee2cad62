#include "store/integrations.hpp"

namespace painel::store {
namespace {

constexpr const char* kOfTenant =
    "SELECT id, type, name, status, last_sync_at, last_error FROM tenant_integrations "
    "WHERE tenant_id = ? ORDER BY type, name, id";

}  // namespace

std::vector<Integration> tenant_integrations(Conn& c, const TenantScope& s) {
  std::vector<Integration> out;
  for (auto& r : c.query(kOfTenant, {s.tenant_id()}))
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.opt_str(4), r.opt_str(5)});
  return out;
}

}  // namespace painel::store
