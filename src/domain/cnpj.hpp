#pragma once
// CNPJ (Brazilian company registry number): 14 digits, the last two are check digits.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel::domain {
std::string digits_only(std::string_view s);
bool cnpj_valid(std::string_view any_format);                            // check digits verified
std::optional<std::string> cnpj_normalize(std::string_view any_format);  // 14 digits or nullopt
std::string cnpj_format(std::string_view digits14);                      // 12.345.678/0001-95
std::string cnpj_with_check_digits(std::string_view first12);  // appends the two check digits
}  // namespace painel::domain
