#pragma once
// JWTs shaped like AWS Cognito's, so clients written against a Cognito user pool work
// against Painel unchanged, and Painel can accept tokens from a real Cognito pool.
// Painel signs with Ed25519 ("EdDSA"); it verifies EdDSA and RS256 (Cognito's alg).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.hpp"

namespace painel::auth {

// The claims Painel reads and writes, under their Cognito names in the JSON.
struct Claims {
  std::string sub;
  std::string email;      // "email" (omitted from the JSON when empty)
  std::string token_use;  // "access" | "id"
  std::string iss;
  // The client id. Cognito puts it in "client_id" for access tokens and in "aud" for id
  // tokens; encode_jwt follows that, and verify reads each kind's own claim only (an access
  // token with "aud" or an ID token with "client_id" is refused as WrongAudience).
  std::string aud;
  std::string jti;
  std::string sid;  // "sid": the login session (refresh-token family); revocable as a whole
  std::vector<std::string> groups;       // "cognito:groups"
  std::optional<std::string> tenant_id;  // "custom:tenant_id"
  std::optional<std::string> name;
  int64_t iat = 0, exp = 0;  // seconds since the epoch; "auth_time" is written as iat
  std::optional<int64_t> nbf;
};

// Compact JWS with header {"alg":"EdDSA","typ":"JWT","kid":key.kid()}.
std::string encode_jwt(const Claims& claims, const SigningKey& key);

enum class VerifyError {
  None,
  Malformed,  // segments, base64url, JSON, duplicate or wrongly typed claims, "crit"
  TooLarge,
  BadAlgorithm,  // "none", HS*, or an alg other than the one the kid's key type implies
  UnknownKid,    // kid missing or not among the current keys
  BadSignature,
  Expired,
  NotYetValid,  // nbf or iat later than now + leeway
  WrongIssuer,
  WrongAudience,
  WrongTokenUse,  // not "access"/"id", or not the one the caller expects
};
inline constexpr std::size_t kVerifyErrorCount = 11;
// Stable snake_case names, fit for metric labels and logs ("bad_signature", ...).
const char* to_string(VerifyError error);

struct VerifyResult {
  VerifyError error = VerifyError::None;
  Claims claims;  // meaningful only when ok()
  bool ok() const { return error == VerifyError::None; }
};

struct VerifierConfig {
  std::string issuer;  // exact match against "iss"
  // Accepted client ids: an access token's "client_id" is one of them; every entry of an
  // ID token's "aud" is one of them. Empty accepts no token.
  std::vector<std::string> audiences;
  int64_t leeway_s = 30;  // clock skew tolerated on exp, nbf and iat
  std::size_t max_token_bytes = 8192;
  std::size_t cache_capacity = 100000;  // verified tokens remembered; 0 disables
  bool use_cache = true;
};

// Counters for an operator: one per rejection reason, plus cache effectiveness.
struct VerifierStats {
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  std::array<uint64_t, kVerifyErrorCount> rejected{};  // indexed by VerifyError
};

class VerifiedTokenCache;

// Verifies tokens against a replaceable key set. All members are safe to call from any
// number of threads concurrently. Signature, issuer and audience results are cached per
// token (keyed by SHA-256 of the token) until the key set changes; time validity and
// token_use are re-checked on every call, so a cached token still expires on time.
class JwtVerifier {
 public:
  explicit JwtVerifier(VerifierConfig config, std::vector<PublicKey> keys = {});
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Atomically replaces the key set (rotation, JWKS refresh) and empties the cache, so a
  // removed key stops verifying immediately, even for tokens verified before.
  void set_keys(std::vector<PublicKey> keys);

  // expected_token_use: "access", "id", or "" to accept either.
  VerifyResult verify(std::string_view token, std::string_view expected_token_use,
                      int64_t now_s) const;

  // The cached verdict only, for a caller that must not block: nullopt when the token is
  // not in the verified-token cache (a signature check would be needed). When it answers,
  // it answers and counts exactly as verify().
  std::optional<VerifyResult> verify_cached(std::string_view token,
                                            std::string_view expected_token_use,
                                            int64_t now_s) const;

  VerifierStats stats() const;
  const VerifierConfig& config() const { return config_; }

 private:
  struct KeySet;
  std::shared_ptr<const KeySet> snapshot() const;
  VerifyResult verify_uncounted(std::string_view token, std::string_view expected_token_use,
                                int64_t now_s) const;
  std::optional<VerifyResult> find_cached(const std::string& token_hash, uint64_t generation,
                                          std::string_view expected_token_use, int64_t now_s) const;
  VerifyError check_time_and_use(const Claims& claims, std::string_view expected_token_use,
                                 int64_t now_s) const;

  const VerifierConfig config_;
  mutable std::mutex keys_mu_;  // guards only the pointer swap, never a verification
  std::shared_ptr<const KeySet> keys_;
  uint64_t next_generation_ = 1;  // guarded by keys_mu_
  std::unique_ptr<VerifiedTokenCache> cache_;
  mutable std::atomic<uint64_t> cache_hits_{0}, cache_misses_{0};
  mutable std::array<std::atomic<uint64_t>, kVerifyErrorCount> rejected_{};
};

}  // namespace painel::auth
