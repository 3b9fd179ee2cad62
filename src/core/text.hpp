#pragma once
// Text helpers shared by the store (the tenants' folded name column) and the routes
// (name search).
#include <string>
#include <string_view>

namespace painel {
// Lower-cased ASCII with Portuguese accents folded, for name search ("São" → "sao").
std::string fold_for_search(std::string_view s);

// The key a name list is ordered by, stored beside the name (tenants.name_search,
// agents.name_sort, users.full_name_sort; migration 20): the accent- and case-folded name,
// compared byte by byte, so "Água" < "avião" < "Ética" < "Ótica" < "universo" < "Zeta" as a
// Brazilian reader expects, on both stores whatever PostgreSQL's locale. Lists order by
// (key, name, id): names equal but for accents or case keep one stable order. It is the
// search fold: one stored column serves both on tenants. Changing it means recomputing the
// stored keys (store/name_keys.hpp).
inline std::string name_sort_key(std::string_view name) { return fold_for_search(name); }
}  // namespace painel
