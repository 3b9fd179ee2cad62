#pragma once
// The folded sort keys stored beside the names lists are ordered by (core/text.hpp
// name_sort_key): tenants.name_search, agents.name_sort, users.full_name_sort. Every
// repository that writes one of those names writes its key in the same statement.
#include "store/db.hpp"

namespace painel::store {

// Recomputes every stored key whose value differs from name_sort_key(name); returns the
// rows changed. Migration 20 runs it in both dialects (Migration::fill).
int64_t refresh_name_keys(Conn& c);

}  // namespace painel::store
