#pragma once
// Small, dependency-hiding wrappers over libsodium (used by auth, the store and jobs): randomness,
// base64url, SHA-256, constant-time comparison and authenticated encryption of secrets
// at rest. Nothing here implements a primitive; every function delegates to libsodium.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace painel {

// Idempotent and thread-safe; every function below that needs libsodium calls it, so
// callers only need it to fail early at start-up (it throws if libsodium cannot start).
void ensure_sodium_initialized();

// `n` bytes from the OS CSPRNG (libsodium randombytes_buf).
std::string random_bytes(std::size_t n);

// RFC 4648 §5 alphabet, no padding (as JWS requires).
std::string base64url_encode(std::string_view bytes);
// Strict inverse of base64url_encode: rejects characters outside the alphabet, '='
// padding, whitespace, impossible lengths (len % 4 == 1) and non-zero trailing bits, so
// every byte string has exactly one accepted encoding.
std::optional<std::string> base64url_decode(std::string_view text);

std::string sha256_raw(std::string_view data);  // 32 bytes
std::string sha256_hex(std::string_view data);  // 64 lowercase hex chars

// base64url of `bytes` random bytes: opaque tokens (refresh tokens, jti, session ids).
std::string random_token(std::size_t bytes = 32);

// Compares in time that depends only on the lengths (lengths are not treated as secret).
bool constant_time_equal(std::string_view a, std::string_view b);

// --- Secrets at rest ---------------------------------------------------------------
inline constexpr std::size_t kMasterKeyBytes = 32;

// 32-byte key derived from the configured secret with BLAKE2b (crypto_generichash) under
// a fixed domain-separation key, so the same secret used elsewhere yields another key.
std::string derive_master_key(std::string_view secret);

// The audit chain's key: a subkey of the 32-byte master key (crypto_kdf_derive_from_key,
// context "pnlaudit", id 1), so it is never the key that seals secrets.
std::string derive_audit_key(std::string_view master_key32);
// The key that seals integration credentials: a subkey of the 32-byte master key
// (crypto_kdf_derive_from_key, context "pnlcreds", subkey id `key_id` >= 1). The id is
// stored beside each sealed credential, so a new id (a rotation) can re-seal old rows
// while both keys open. Never the audit key, never the key that seals signing keys.
inline constexpr int kCredentialsKeyId = 1;  // the id new credentials are sealed under
std::string derive_credentials_key(std::string_view master_key32, int key_id = kCredentialsKeyId);
// HMAC-SHA-256 (crypto_auth_hmacsha256) of `data` under a 32-byte key, 64 lowercase hex
// chars: the same shape as sha256_hex, so the audit chain's columns keep their format.
std::string hmac_sha256_hex(std::string_view key32, std::string_view data);

// XSalsa20-Poly1305 (crypto_secretbox_easy); output is base64url(nonce || box) with a
// fresh random nonce per call. Throws std::invalid_argument if key32 is not 32 bytes
// (a programming error, never input-dependent).
std::string seal(std::string_view key32, std::string_view plaintext);
// nullopt on a wrong-sized key, bad encoding, truncation, or any tampering.
std::optional<std::string> open_sealed(std::string_view key32, std::string_view sealed);

}  // namespace painel
