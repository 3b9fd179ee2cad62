#include "domain/cnpj.hpp"

namespace painel::domain {

std::string digits_only(std::string_view s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d.push_back(c);
  return d;
}

namespace {
int check_digit(std::string_view d, const int* weights, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += (d[static_cast<size_t>(i)] - '0') * weights[i];
  int r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}
const int kW1[] = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
const int kW2[] = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
}  // namespace

std::string cnpj_with_check_digits(std::string_view first12) {
  std::string d(first12);
  d.push_back(static_cast<char>('0' + check_digit(d, kW1, 12)));
  d.push_back(static_cast<char>('0' + check_digit(d, kW2, 13)));
  return d;
}

bool cnpj_valid(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-' || c == ' ')) return false;
  std::string d = digits_only(s);
  if (d.size() != 14) return false;
  if (d.find_first_not_of(d[0]) == std::string::npos) return false;  // 00000000000000 etc.
  return cnpj_with_check_digits(std::string_view(d).substr(0, 12)) == d;
}

std::optional<std::string> cnpj_normalize(std::string_view s) {
  if (!cnpj_valid(s)) return std::nullopt;
  return digits_only(s);
}

std::string cnpj_format(std::string_view d) {
  if (d.size() != 14) return std::string(d);
  std::string o;
  o.append(d.substr(0, 2)).append(".").append(d.substr(2, 3)).append(".").append(d.substr(5, 3));
  o.append("/").append(d.substr(8, 4)).append("-").append(d.substr(12, 2));
  return o;
}

}  // namespace painel::domain
