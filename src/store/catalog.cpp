#include "store/catalog.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domain/catalog.hpp"
#include "store/row_locks.hpp"
#include "store/tenants.hpp"

namespace painel::store {
namespace {

// deployed_count: the active contracts, from tenant_agents_agent(agent_id, status).
constexpr const char* kColumns =
    "a.id, a.slug, a.name, a.segment, a.subnucleus, a.description, a.status, "
    "a.monthly_price_cents, (SELECT count(*) FROM tenant_agents ta WHERE ta.agent_id = a.id "
    "AND ta.status = 'active'), a.created_at, coalesce(a.updated_at, a.created_at)";
constexpr const char* kFrom = "FROM agents a";
constexpr const char* kWhereStatus = "a.status = ?";
constexpr const char* kWhereSegment = "a.segment = ?";
constexpr const char* kWhereId = "a.id = ?";
constexpr const char* kOrder = "a.name_sort, a.name, a.id";

constexpr const char* kNames = "SELECT id, name FROM agents";
constexpr const char* kSlugTaken = "SELECT 1 FROM agents WHERE slug = ?";
constexpr const char* kInsert =
    "INSERT INTO agents(id, slug, name, name_sort, segment, subnucleus, description, "
    "monthly_price_cents, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,'active',?,?)";
constexpr const char* kUpdate =
    "UPDATE agents SET name = ?, name_sort = ?, segment = ?, subnucleus = ?, description = ?, "
    "monthly_price_cents = ?, status = ?, updated_at = ? WHERE id = ?";
constexpr const char* kPrice = "SELECT monthly_price_cents FROM agents WHERE id = ?";
constexpr const char* kContractingTenants =
    "SELECT DISTINCT tenant_id FROM tenant_agents WHERE agent_id = ? AND status = 'active' "
    "ORDER BY tenant_id";
constexpr const char* kStatus = "SELECT status FROM agents WHERE id = ?";

CatalogAgent agent_of(const Row& r) {
  return {r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5),
          r.str(6), r.i64(7), r.i64(8), r.str(9), r.str(10)};
}

}  // namespace

PageOf<CatalogAgent> list_catalog(Conn& c, const CatalogQuery& q) {
  PagedQuery pq(kFrom);
  if (q.status) pq.where(kWhereStatus, *q.status);
  if (q.segment) pq.where(kWhereSegment, *q.segment);
  if (!q.search) return fetch_page<CatalogAgent>(c, pq, kColumns, kOrder, q.page, agent_of);
  // Every match of the other filters, then the name search and the page in C++.
  std::string needle = fold_for_search(*q.search);
  PageOf<CatalogAgent> out;
  int64_t seen = 0;
  for (auto& r : pq.rows(c, kColumns, kOrder, {INT64_MAX / 2, 0})) {
    if (fold_for_search(r.text(2)).find(needle) == std::string::npos) continue;
    if (seen >= q.page.offset && seen < q.page.offset + q.page.limit)
      out.items.push_back(agent_of(r));
    ++seen;
  }
  out.total = seen;
  return out;
}

std::optional<CatalogAgent> find_catalog_agent(Conn& c, const std::string& id) {
  PagedQuery pq(kFrom);
  pq.where(kWhereId, id);
  auto rows = pq.rows(c, kColumns, kOrder, {1, 0});
  if (rows.empty()) return std::nullopt;
  return agent_of(rows[0]);
}

std::optional<std::string> agent_with_same_name(Conn& c, const std::string& name,
                                                const std::string& except_id) {
  std::string key = domain::agent_name_key(name);
  for (auto& r : c.query(kNames))
    if (r.text(0) != except_id && domain::agent_name_key(r.text(1)) == key) return r.str(0);
  return std::nullopt;
}

std::string create_catalog_agent(Conn& c, const NewCatalogAgent& a, int64_t now_ms) {
  std::string base = domain::agent_slug(a.name), slug = base;
  for (int n = 2; !c.query(kSlugTaken, {slug}).empty(); ++n) slug = base + "-" + std::to_string(n);
  std::string id = new_uuid(), now = format_rfc3339(now_ms);
  c.exec(kInsert, {id, slug, a.name, name_sort_key(a.name), a.segment, a.subnucleus, a.description,
                   a.monthly_price_cents, now, now});
  return id;
}

void update_catalog_agent(Conn& c, const CatalogAgent& a, int64_t now_ms) {
  auto before = c.query(kPrice, {a.id});
  c.exec(kUpdate, {a.name, name_sort_key(a.name), a.segment, a.subnucleus, a.description,
                   a.monthly_price_cents, a.status, format_rfc3339(now_ms), a.id});
  // The agent's row is locked by the UPDATE (a contract written beside this waits for it:
  // store::share_agent_row); each contracting tenant's row is locked, in id order, before
  // its MRR is read (a contract of that tenant already under way commits first). All of
  // them before the first recomputation: an MRR change writes the hour's row of
  // billing_mrr_hours (migration 30's trigger), which a writer of one tenant takes after
  // that tenant's row; taking the next tenant's row after it would deadlock with one.
  if (!before.empty() && before[0].i64(0) != a.monthly_price_cents) {
    auto tenants = c.query(kContractingTenants, {a.id});
    for (auto& r : tenants) lock_tenant_row(c, r.str(0));
    for (auto& r : tenants) recompute_tenant_mrr(c, r.str(0), now_ms);
  }
}

std::optional<bool> agent_is_retired(Conn& c, const std::string& agent_id) {
  auto r = c.query(kStatus, {agent_id});
  if (r.empty()) return std::nullopt;
  return r[0].text(0) == "retired";
}

}  // namespace painel::store
