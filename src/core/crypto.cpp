#include "core/crypto.hpp"

#include <sodium.h>

#include <stdexcept>

namespace painel {
namespace {

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// BLAKE2b key for derive_master_key; changing it changes every derived key (and thus
// makes every sealed secret unreadable), hence the version suffix.
constexpr std::string_view kMasterKeyContext = "painel/auth/master-key/v1";

}  // namespace

void ensure_sodium_initialized() {
  // sodium_init() is itself thread-safe, but a static also makes repeated calls free.
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_bytes(std::size_t n) {
  ensure_sodium_initialized();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // drop the NUL terminator sodium writes
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // libsodium's decoder is the strict one we want: with no ignore set and a null end
  // pointer it fails on any foreign character, on leftover input, on a dangling 6-bit
  // group and on non-zero padding bits.
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(bytes_of(out), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string sha256_raw(std::string_view data) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(bytes_of(out), bytes_of(data), data.size());
  return out;
}

std::string sha256_hex(std::string_view data) {
  const std::string raw = sha256_raw(data);
  std::string out(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes_of(raw), raw.size());
  out.pop_back();
  return out;
}

std::string random_token(std::size_t bytes) { return base64url_encode(random_bytes(bytes)); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string derive_master_key(std::string_view secret) {
  static_assert(kMasterKeyContext.size() >= crypto_generichash_KEYBYTES_MIN);
  static_assert(kMasterKeyBytes == crypto_secretbox_KEYBYTES);
  ensure_sodium_initialized();
  std::string key(kMasterKeyBytes, '\0');
  crypto_generichash(bytes_of(key), key.size(), bytes_of(secret), secret.size(),
                     bytes_of(kMasterKeyContext), kMasterKeyContext.size());
  return key;
}

std::string derive_audit_key(std::string_view master_key32) {
  static_assert(crypto_kdf_KEYBYTES == kMasterKeyBytes);
  if (master_key32.size() != crypto_kdf_KEYBYTES)
    throw std::invalid_argument("derive_audit_key: master key must be 32 bytes");
  ensure_sodium_initialized();
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  crypto_kdf_derive_from_key(bytes_of(key), key.size(), 1, "pnlaudit", bytes_of(master_key32));
  return key;
}

std::string derive_credentials_key(std::string_view master_key32, int key_id) {
  if (master_key32.size() != crypto_kdf_KEYBYTES)
    throw std::invalid_argument("derive_credentials_key: master key must be 32 bytes");
  if (key_id < 1) throw std::invalid_argument("derive_credentials_key: key id must be >= 1");
  ensure_sodium_initialized();
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_kdf_derive_from_key(bytes_of(key), key.size(), static_cast<uint64_t>(key_id), "pnlcreds",
                             bytes_of(master_key32));
  return key;
}

std::string hmac_sha256_hex(std::string_view key32, std::string_view data) {
  if (key32.size() != crypto_auth_hmacsha256_KEYBYTES)
    throw std::invalid_argument("hmac_sha256_hex: key must be 32 bytes");
  ensure_sodium_initialized();
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, bytes_of(data), data.size(), bytes_of(key32));
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, sizeof hex - 1);
}

std::string seal(std::string_view key32, std::string_view plaintext) {
  if (key32.size() != crypto_secretbox_KEYBYTES) {
    throw std::invalid_argument("seal: key must be 32 bytes");
  }
  std::string buf = random_bytes(crypto_secretbox_NONCEBYTES);
  buf.resize(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  unsigned char* nonce = bytes_of(buf);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, bytes_of(plaintext), plaintext.size(),
                        nonce, bytes_of(key32));
  std::string out = base64url_encode(buf);
  sodium_memzero(buf.data(), buf.size());
  return out;
}

std::optional<std::string> open_sealed(std::string_view key32, std::string_view sealed) {
  if (key32.size() != crypto_secretbox_KEYBYTES) return std::nullopt;
  ensure_sodium_initialized();
  std::optional<std::string> raw = base64url_decode(sealed);
  constexpr std::size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (!raw || raw->size() < kOverhead) return std::nullopt;
  const unsigned char* nonce = bytes_of(*raw);
  std::string plain(raw->size() - kOverhead, '\0');
  if (crypto_secretbox_open_easy(bytes_of(plain), nonce + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, nonce,
                                 bytes_of(key32)) != 0) {
    return std::nullopt;
  }
  return plain;
}

}  // namespace painel
