#pragma once
// Text helpers shared by the store (the tenants' folded name column) and the routes
// (name search).
#include <string>
#include <string_view>

namespace painel {
// Lower-cased ASCII with Portuguese accents folded, for name search ("São" → "sao").
std::string fold_for_search(std::string_view s);
}  // namespace painel
