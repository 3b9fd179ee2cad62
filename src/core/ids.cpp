#include "core/ids.hpp"

#include <sodium.h>

#include <cstring>

namespace painel {

std::string new_uuid() {
  static const bool init = sodium_init() >= 0;
  (void)init;
  // Random bytes drawn 4 KiB at a time per thread: one getrandom() per 256 ids.
  thread_local unsigned char pool[4096];
  thread_local size_t used = sizeof pool;
  if (used + 16 > sizeof pool) {
    randombytes_buf(pool, sizeof pool);
    used = 0;
  }
  unsigned char b[16];
  std::memcpy(b, pool + used, sizeof b);
  sodium_memzero(pool + used, sizeof b);
  used += sizeof b;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 15]);
  }
  return out;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace painel
