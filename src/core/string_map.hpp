#pragma once
// A hash map keyed by std::string that can be searched with a std::string_view (C++20
// heterogeneous lookup), so hot loops look keys up without building a string per row.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace painel {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace painel
