#pragma once
// The built-in identity provider that replaces Cognito: signing keys kept in the store
// (private part sealed with the master key), login with argon2id and a persistent
// throttle, access/id JWTs shaped like Cognito's, single-use rotating refresh tokens with
// reuse detection, and verification of bearer tokens (own and, optionally, an external
// Cognito user pool's) into a Principal.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "auth/master_key.hpp"  // resolve_master_key, for the callers that build a TokenService
#include "core/config.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace painel::auth {

struct UserView {
  std::string id, email, name;
  std::vector<std::string> groups;
  std::string role;
  std::optional<std::string> tenant_id;
};

struct TokenPair {
  std::string access_token, id_token, refresh_token;
  int64_t expires_in = 0;
  UserView user;
};

struct RequestMeta {
  std::string ip, user_agent, request_id;
};

class TokenService final : public Authenticator {
 public:
  TokenService(const Config& cfg, store::Store& store, const Clock& clock,
               std::string master_key32);
  ~TokenService() override;

  // Throws ApiError: 401 (same answer for unknown e-mail and wrong password), 429 when
  // throttled (detail carries Retry-After seconds in retry_after()).
  TokenPair login(const std::string& email, const std::string& password, const RequestMeta& m);
  TokenPair refresh(const std::string& refresh_token, const RequestMeta& m);
  void logout(const std::string& refresh_token, const RequestMeta& m);
  std::optional<UserView> user_view(const std::string& user_id);

  std::optional<Principal> authenticate(std::string_view token, std::string& why) override;
  std::string jwks() const;
  // Retires the current signing key (still published until its tokens expire) and starts
  // signing with a new one. Returns the new kid.
  std::string rotate_signing_key();
  // Forget a tenant's cached status (after suspend/reactivate).
  void forget_tenant_status(const std::string& tenant_id);
  // Revokes every refresh session of the user (RESET_TOKEN).
  int64_t revoke_user_sessions(store::Conn& c, const std::string& user_id);
  const JwtVerifier& verifier() const { return *verifier_; }
  // Re-reads the signing keys from the store (another instance or `painel keys
  // rotate-signing` may have rotated them). Called periodically and on an unknown kid.
  void load_keys();

 private:
  TokenPair issue(store::Conn& c, const UserView& u, const std::string& family,
                  const RequestMeta& m);
  std::optional<std::string> tenant_status_cached(const std::string& tenant_id);
  int64_t throttle_retry_after(store::Conn& c, const std::string& key, int max_failures);
  void throttle_fail(store::Conn& c, const std::string& key);

  const Config& cfg_;
  store::Store& store_;
  const Clock& clock_;
  std::string master_key_;
  mutable std::mutex keys_mu_;
  std::optional<SigningKey> signing_;
  std::vector<PublicKey> published_;
  std::unique_ptr<JwtVerifier> verifier_;
  std::unique_ptr<JwtVerifier> external_;
  std::atomic<int64_t> last_reload_ms_{0};
  std::mutex status_mu_;
  std::unordered_map<std::string, std::pair<std::string, int64_t>> status_cache_;
};

}  // namespace painel::auth
