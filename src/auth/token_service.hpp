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
#include "auth/login_gate.hpp"
#include "auth/master_key.hpp"  // resolve_master_key, for the callers that build a TokenService
#include "auth/revocations.hpp"
#include "core/config.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace painel::auth {

struct UserView {
  std::string id, email, name;
  std::vector<std::string> groups;
  std::string role;
  std::optional<std::string> tenant_id;
  // The password hash check_password() verified (empty otherwise): open_session() refuses
  // the login when the user's password changed since (a change that committed between
  // the two, which ended the user's other sessions, must not be outlived either).
  std::string verified_hash;
};

UserView user_view_of(const store::UserRow& u);

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

  // Checks a password against the lockout counters and under the LoginGate (bounded
  // argon2 work). Throws ApiError: 401 (same answer for unknown e-mail and wrong
  // password), 403 (tenant suspended or inactive), 429 + Retry-After while the (account,
  // IP) pair or the account is locked, 503 + Retry-After when too many verify at once.
  UserView check_password(const std::string& email, const std::string& password,
                          const RequestMeta& m);
  // Opens a session (refresh-token family) for a user check_password() just accepted.
  TokenPair open_session(const UserView& u, const RequestMeta& m);
  TokenPair refresh(const std::string& refresh_token, const RequestMeta& m);
  void logout(const std::string& refresh_token, const RequestMeta& m);
  std::optional<UserView> user_view(const std::string& user_id);

  std::optional<Principal> authenticate(std::string_view token, std::string& why) override;
  std::optional<Principal> authenticate_cached(std::string_view token) override;
  std::string jwks() const;
  // Retires the current signing key (still published until its tokens expire) and starts
  // signing with a new one. Returns the new kid.
  std::string rotate_signing_key();
  // Forget a tenant's cached status (after suspend/reactivate).
  void forget_tenant_status(const std::string& tenant_id);
  // Revokes every refresh session of the user and every access token issued so far
  // (RESET_TOKEN). Other instances, and this one, notice within kRevocationPollMs.
  int64_t revoke_user_sessions(store::Conn& c, const std::string& user_id);
  // Ends one login (refresh family) of the user and its access tokens; false when the
  // family is not the user's or already ended. Call sync_revocations(true) after commit.
  bool end_session(store::Conn& c, const std::string& user_id, const std::string& family);
  // Ends every login of the user except `keep` ("" = none) and their access tokens;
  // returns how many families were ended. Call sync_revocations(true) after commit.
  int64_t end_other_sessions(store::Conn& c, const std::string& user_id, const std::string& keep);
  // POST /auth/password: the current password checked like a login (lockout, LoginGate; a
  // wrong one counts as a failed login → 400, 429 while locked), the new one against the
  // policy (422); then the new hash is stored, every other session of the user ends and
  // the calling one (p.sid) stays. Audited as user.password_change.
  void change_password(const Principal& p, const std::string& current, const std::string& next,
                       const RequestMeta& m);
  // Reads the revocations recorded since the last poll (by any instance, or by the
  // triggers on users). Called from authenticate() at most every kRevocationPollMs.
  void sync_revocations(bool force = false);
  static constexpr int64_t kRevocationPollMs = 500;
  LoginGate::Stats login_gate_stats() const { return gate_.stats(); }
  int login_gate_capacity() const { return gate_.options().capacity; }
  const JwtVerifier& verifier() const { return *verifier_; }
  // Re-reads the signing keys from the store (another instance or `painel keys
  // rotate-signing` may have rotated them). Called periodically and on an unknown kid.
  void load_keys();

 private:
  TokenPair issue(store::Conn& c, const UserView& u, const std::string& family,
                  const RequestMeta& m);
  std::optional<std::string> tenant_status_cached(const std::string& tenant_id);
  std::optional<std::string> tenant_status_in_memory(const std::string& tenant_id, int64_t now);
  // The identity part of a verified token's claims (sub, email, groups, role): false with
  // `why` when no group is recognised.
  static bool take_claims(Principal& p, const Claims& c, std::string& why);
  // The 403 text for a tenant status that refuses its users, or nullptr.
  static const char* tenant_refusal(std::string_view status);
  void record_login_failure(const std::string& email, const std::optional<store::UserRow>& user,
                            const RequestMeta& m);
  bool is_revoked(const Principal& p, const Claims& claims) const;

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
  LoginGate gate_;
  RevocationSet revocations_;
  std::atomic<int64_t> last_revocation_sync_ms_{0};
  std::atomic<int64_t> last_revocation_prune_ms_{0};
};

}  // namespace painel::auth
