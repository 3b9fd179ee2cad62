#include "core/text.hpp"

#include <cctype>

namespace painel {

std::string fold_for_search(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {  // Latin-1 supplement in UTF-8
      unsigned char n = static_cast<unsigned char>(s[++i]);
      unsigned char base = static_cast<unsigned char>(n | 0x20);  // lower
      char f = '?';
      if (base >= 0xA0 && base <= 0xA5)
        f = 'a';
      else if (base == 0xA7)
        f = 'c';
      else if (base >= 0xA8 && base <= 0xAB)
        f = 'e';
      else if (base >= 0xAC && base <= 0xAF)
        f = 'i';
      else if (base == 0xB1)
        f = 'n';
      else if (base >= 0xB2 && base <= 0xB6)
        f = 'o';
      else if (base >= 0xB9 && base <= 0xBC)
        f = 'u';
      out.push_back(f);
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace painel
