#include "store/name_keys.hpp"

#include "core/text.hpp"

namespace painel::store {
namespace {

struct KeyedName {
  const char* select;  // id, name, key
  const char* update;  // key, id
};

constexpr KeyedName kKeyedNames[] = {
    {"SELECT id, name, name_search FROM tenants",
     "UPDATE tenants SET name_search = ? WHERE id = ?"},
    {"SELECT id, name, name_sort FROM agents", "UPDATE agents SET name_sort = ? WHERE id = ?"},
    {"SELECT id, full_name, full_name_sort FROM users",
     "UPDATE users SET full_name_sort = ? WHERE id = ?"},
};

}  // namespace

int64_t refresh_name_keys(Conn& c) {
  int64_t changed = 0;
  for (const auto& k : kKeyedNames)
    for (auto& r : c.query(k.select)) {
      std::string key = name_sort_key(r.text(1));
      if (key != r.text(2)) changed += c.exec(k.update, {key, r.str(0)});
    }
  return changed;
}

}  // namespace painel::store
