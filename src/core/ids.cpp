#include "core/ids.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>

namespace painel {

namespace {
// Random bytes drawn 4 KiB at a time per thread: one getrandom() per 256 ids.
void random16(unsigned char (&b)[16]) {
  static const bool init = sodium_init() >= 0;
  (void)init;
  thread_local unsigned char pool[4096];
  thread_local size_t used = sizeof pool;
  if (used + 16 > sizeof pool) {
    randombytes_buf(pool, sizeof pool);
    used = 0;
  }
  std::memcpy(b, pool + used, sizeof b);
  sodium_memzero(pool + used, sizeof b);
  used += sizeof b;
}

std::string format_uuid(const unsigned char (&b)[16]) {
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
}  // namespace

std::string new_uuid() {
  unsigned char b[16];
  random16(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return format_uuid(b);
}

std::string new_uuid_v7(int64_t unix_ms) {
  static std::mutex m;
  static int64_t last_ms = -1;
  static unsigned counter = 0;  // 12 bits (rand_a)
  int64_t ms;
  unsigned seq;
  {
    std::lock_guard lock(m);
    if (unix_ms > last_ms) {
      last_ms = unix_ms;
      counter = 0;
    } else if (++counter > 0xfff) {  // 4096 ids in one millisecond: borrow the next one
      ++last_ms;
      counter = 0;
    }
    ms = last_ms;
    seq = counter;
  }
  unsigned char b[16];
  random16(b);  // rand_b
  auto u = static_cast<uint64_t>(ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(u >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (seq >> 8));
  b[7] = static_cast<unsigned char>(seq & 0xff);
  b[8] = (b[8] & 0x3f) | 0x80;
  return format_uuid(b);
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
