#pragma once
// Comma-separated option values ("https://a.example, http://b:3000,,"): the items with
// blanks trimmed, empty ones skipped. Used by the options that take lists of addresses.
#include <string_view>
#include <vector>

namespace painel {

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline std::vector<std::string_view> comma_list(std::string_view csv) {
  std::vector<std::string_view> out;
  while (!csv.empty()) {
    auto comma = csv.find(',');
    std::string_view item = trim_blanks(csv.substr(0, comma));
    csv = comma == std::string_view::npos ? std::string_view{} : csv.substr(comma + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace painel
