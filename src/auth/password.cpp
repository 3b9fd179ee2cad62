#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/crypto.hpp"

namespace painel::auth {
namespace {

struct Limits {
  unsigned long long ops;
  std::size_t mem;
};

Limits limits_for(PasswordCost cost) {
  switch (cost) {
    case PasswordCost::Fast:
      return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    case PasswordCost::Interactive:
      break;
  }
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

// libsodium wants a NUL-terminated hash of bounded length; an embedded NUL would make it
// read a different (shorter) string than the one we were given, so reject that too.
bool to_c_hash(std::string_view hash, char (&out)[crypto_pwhash_STRBYTES]) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  hash.copy(out, hash.size());
  out[hash.size()] = '\0';
  return true;
}

}  // namespace

std::string hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium_initialized();
  const Limits limits = limits_for(cost);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits.ops, limits.mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("hash_password: out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium_initialized();
  char c_hash[crypto_pwhash_STRBYTES];
  if (!to_c_hash(hash, c_hash)) return false;
  return crypto_pwhash_str_verify(c_hash, password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, PasswordCost cost) {
  ensure_sodium_initialized();
  char c_hash[crypto_pwhash_STRBYTES];
  if (!to_c_hash(hash, c_hash)) return true;
  const Limits limits = limits_for(cost);
  return crypto_pwhash_str_needs_rehash(c_hash, limits.ops, limits.mem) != 0;
}

void burn_dummy_verify() {
  // Computed once, lazily (thread-safe static), with this libsodium's Interactive limits so
  // it costs what a real user's hash costs. The first call pays for one extra hash.
  static const std::string dummy_hash =
      hash_password("painel-dummy-password", PasswordCost::Interactive);
  // The result is meaningless by construction; only the time spent matters.
  (void)verify_password(dummy_hash, "not-the-dummy-password");
}

}  // namespace painel::auth
