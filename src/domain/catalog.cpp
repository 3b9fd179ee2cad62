#include "domain/catalog.hpp"

#include "core/text.hpp"

namespace painel::domain {

bool valid_subnucleus(std::string_view s) {
  for (auto v : kSubnuclei)
    if (v == s) return true;
  return false;
}

std::string subnucleus_list() {
  std::string out;
  for (auto v : kSubnuclei) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

std::string slugify(std::string_view text) {
  std::string folded = fold_for_search(text), out;
  for (char ch : folded) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
      out.push_back(ch);
    else if (ch == '&')
      out += "e";
    else if (!out.empty() && out.back() != '-')
      out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string agent_slug(std::string_view name) {
  std::string s = slugify(name);
  return s.empty() ? "agent" : s;
}

std::string agent_name_key(std::string_view name) {
  std::string folded = fold_for_search(name), out;
  for (char ch : folded) {
    if (ch == ' ' || ch == '\t') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(ch);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace painel::domain
