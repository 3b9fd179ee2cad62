#include "store/integrations.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, type, name, status, last_sync_at, last_error, credential_sealed IS NOT NULL, "
    "config, last_error_at, created_at, updated_at FROM tenant_integrations ";
constexpr const char* kOfTenant = "WHERE tenant_id = ? ORDER BY type, name, id";
constexpr const char* kOne = "WHERE id = ? AND tenant_id = ?";
constexpr const char* kInsert =
    "INSERT INTO tenant_integrations(id, tenant_id, type, name, status, config, "
    "credential_sealed, credentials_key_id, created_at, updated_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kUpdate =
    "UPDATE tenant_integrations SET name = ?, status = ?, config = ?, updated_at = ? "
    "WHERE id = ? AND tenant_id = ?";
constexpr const char* kSetCredentials =
    "UPDATE tenant_integrations SET credential_sealed = ?, credentials_key_id = ?, "
    "updated_at = ? WHERE id = ? AND tenant_id = ?";
constexpr const char* kDelete = "DELETE FROM tenant_integrations WHERE id = ? AND tenant_id = ?";
constexpr const char* kNameTaken =
    "SELECT 1 FROM tenant_integrations WHERE tenant_id = ? AND name = ? AND id <> ?";
constexpr const char* kSyncTarget =
    "SELECT tenant_id, status, last_sync_at, last_error FROM tenant_integrations WHERE id = ?";
constexpr const char* kRecordSync =
    "UPDATE tenant_integrations SET status = ?, last_sync_at = ?, last_error = ?, "
    "last_error_at = ?, updated_at = ? WHERE id = ?";

constexpr const char* kStaffColumns =
    "i.id, i.tenant_id, t.name, i.type, i.name, i.status, i.last_sync_at, i.last_error, "
    "i.last_error_at";
constexpr const char* kStaffFrom =
    "FROM tenant_integrations i JOIN tenants t ON t.id = i.tenant_id";
// The count without the join: tenant_id is NOT NULL and references tenants(id), and the
// filters are on i (PostgreSQL, 25 000 integrations: 10 ms with the join, 2 ms without).
constexpr const char* kStaffCountFrom = "FROM tenant_integrations i";
constexpr const char* kWithStatus = "i.status = ?";
constexpr const char* kWithType = "i.type = ?";
constexpr const char* kWithTenant = "i.tenant_id = ?";
// Served by tenant_integrations_errors (status, last_error_at DESC, id) for one status,
// by tenant_integrations_recent_error (migration 30) unfiltered.
constexpr const char* kRecentErrorFirst = "i.last_error_at DESC NULLS LAST, i.id";

Integration integration_of(const Row& r) {
  return {r.str(0),      r.str(1),     r.str(2),     r.str(3), r.opt_str(4), r.opt_str(5),
          r.i64(6) != 0, r.opt_str(7), r.opt_str(8), r.str(9), r.str(10)};
}

Value opt_value(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

}  // namespace

std::vector<Integration> tenant_integrations(Conn& c, const TenantScope& s) {
  std::vector<Integration> out;
  for (auto& r : c.query(std::string(kColumns) + kOfTenant, {s.tenant_id()}))
    out.push_back(integration_of(r));
  return out;
}

std::optional<Integration> find_integration(Conn& c, const TenantScope& s, const std::string& id) {
  auto rows = c.query(std::string(kColumns) + kOne, {id, s.tenant_id()});
  if (rows.empty()) return std::nullopt;
  return integration_of(rows[0]);
}

std::string insert_integration(Conn& c, const TenantScope& s, const IntegrationFields& f,
                               const std::optional<SealedCredentials>& creds, int64_t now_ms) {
  std::string id = new_uuid(), now = format_rfc3339(now_ms);
  c.exec(kInsert, {id, s.tenant_id(), f.type, f.name, f.status, opt_value(f.config),
                   creds ? Value(creds->sealed) : Value(nullptr),
                   creds ? Value(int64_t{creds->key_id}) : Value(nullptr), now, now});
  return id;
}

void update_integration(Conn& c, const TenantScope& s, const std::string& id,
                        const IntegrationFields& f, int64_t now_ms) {
  c.exec(kUpdate,
         {f.name, f.status, opt_value(f.config), format_rfc3339(now_ms), id, s.tenant_id()});
}

void set_integration_credentials(Conn& c, const TenantScope& s, const std::string& id,
                                 const std::optional<SealedCredentials>& creds, int64_t now_ms) {
  c.exec(kSetCredentials, {creds ? Value(creds->sealed) : Value(nullptr),
                           creds ? Value(int64_t{creds->key_id}) : Value(nullptr),
                           format_rfc3339(now_ms), id, s.tenant_id()});
}

bool delete_integration(Conn& c, const TenantScope& s, const std::string& id) {
  return c.exec(kDelete, {id, s.tenant_id()}) > 0;
}

bool integration_name_taken(Conn& c, const TenantScope& s, const std::string& name,
                            const std::string& except_id) {
  // A nil UUID when there is none: PostgreSQL compares uuid with uuid.
  const std::string other = except_id.empty() ? "00000000-0000-0000-0000-000000000000" : except_id;
  return !c.query(kNameTaken, {s.tenant_id(), name, other}).empty();
}

std::optional<SyncTarget> sync_target(Conn& c, const std::string& integration_id) {
  auto rows = c.query(kSyncTarget, {integration_id});
  if (rows.empty()) return std::nullopt;
  auto& r = rows[0];
  return SyncTarget{r.str(0), r.str(1), r.opt_str(2), r.opt_str(3)};
}

void record_integration_sync(Conn& c, const std::string& integration_id, const std::string& status,
                             const std::string& last_sync_at,
                             const std::optional<std::string>& last_error,
                             const std::optional<std::string>& last_error_at, int64_t now_ms) {
  c.exec(kRecordSync, {status, last_sync_at, opt_value(last_error), opt_value(last_error_at),
                       format_rfc3339(now_ms), integration_id});
}

PageOf<StaffIntegration> list_integrations(Conn& c, const IntegrationFilter& f, PageRequest page) {
  PagedQuery q(kStaffFrom, kStaffCountFrom);
  if (f.status) q.where(kWithStatus, *f.status);
  if (f.type) q.where(kWithType, *f.type);
  if (f.tenant_id) q.where(kWithTenant, *f.tenant_id);
  return fetch_page<StaffIntegration>(
      c, q, kStaffColumns, kRecentErrorFirst, page, [](const Row& r) {
        return StaffIntegration{r.str(0), r.str(1),     r.str(2),     r.str(3),    r.str(4),
                                r.str(5), r.opt_str(6), r.opt_str(7), r.opt_str(8)};
      });
}

}  // namespace painel::store
