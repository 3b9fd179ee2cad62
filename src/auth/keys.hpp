#pragma once
// Asymmetric keys for JWTs. Painel signs its own tokens with Ed25519 (JWS alg "EdDSA");
// an external AWS Cognito user pool signs with RSA (alg "RS256"), so verification keys
// may be of either kind. All cryptography is OpenSSL 3 EVP; OpenSSL types stay out of
// this header. Keys are immutable after construction, so copies share one EVP_PKEY and
// may be used from any number of threads at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace painel::auth {

// The private Ed25519 key that signs Painel's tokens.
class SigningKey {
 public:
  // Throws std::runtime_error if OpenSSL cannot produce a key (no entropy, no memory).
  static SigningKey generate();
  // From the 32-byte RFC 8032 private seed (as stored, sealed, in the database).
  static std::optional<SigningKey> from_private_raw(std::string_view seed32);

  std::string private_raw() const;                               // 32-byte seed: handle as a secret
  const std::string& public_raw() const { return public_raw_; }  // 32 bytes
  // base64url of the first 12 bytes of SHA-256(public key): stable across restarts and
  // instances, so every instance publishes and expects the same kid for the same key.
  const std::string& kid() const { return kid_; }
  // 64-byte Ed25519 signature of `message` (for a JWS: "header.payload").
  std::string sign(std::string_view message) const;

 private:
  explicit SigningKey(std::shared_ptr<evp_pkey_st> pkey);
  std::shared_ptr<evp_pkey_st> pkey_;
  std::string public_raw_;
  std::string kid_;
};

// A verification key as published in a JWKS: Ed25519 (kty OKP) or RSA (kty RSA).
class PublicKey {
 public:
  enum class Type { Ed25519, Rsa };

  static PublicKey from_signing_key(const SigningKey& key);
  static std::optional<PublicKey> from_ed25519(std::string kid, std::string_view x_raw32);
  // n and e are big-endian unsigned integers. Rejects keys OpenSSL's public-key check
  // refuses and moduli outside [2048, 8192] bits.
  static std::optional<PublicKey> from_rsa(std::string kid, std::string_view n, std::string_view e);

  Type type() const { return type_; }
  const std::string& kid() const { return kid_; }
  // The only JWS "alg" this key accepts: "EdDSA" or "RS256". Pinning alg to the key type
  // is what prevents algorithm-confusion attacks.
  std::string_view alg() const { return type_ == Type::Ed25519 ? "EdDSA" : "RS256"; }
  const std::string& x() const { return x_; }  // Ed25519 only
  const std::string& n() const { return n_; }  // RSA only, minimal big-endian
  const std::string& e() const { return e_; }  // RSA only, minimal big-endian

  // Signature check under alg(): Ed25519 or RSASSA-PKCS1-v1_5 with SHA-256.
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  PublicKey(Type type, std::string kid, std::shared_ptr<evp_pkey_st> pkey);
  Type type_;
  std::string kid_;
  std::shared_ptr<evp_pkey_st> pkey_;
  std::string x_, n_, e_;
};

// {"keys":[...]} as served on /.well-known/jwks.json.
std::string jwks_json(const std::vector<PublicKey>& keys);

// nullopt if the document is not JSON or has no "keys" array. Individual keys that are
// unsupported or invalid (other kty/crv/alg, "use" other than "sig", no kid, bad
// encoding, duplicate kid) are skipped, as RFC 7517 §5 asks, so one exotic key in a
// provider's set does not disable the others.
std::optional<std::vector<PublicKey>> parse_jwks(std::string_view json);

}  // namespace painel::auth
