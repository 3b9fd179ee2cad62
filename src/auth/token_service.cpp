#include "auth/token_service.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/password.hpp"
#include "core/blocking.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/list.hpp"
#include "store/audit.hpp"
#include "store/sessions.hpp"
#include "store/signing_keys.hpp"
#include "store/tenants.hpp"
#include "store/users.hpp"

namespace painel::auth {
namespace {

// JwtVerifier's expected_token_use that accepts both "access" and "id".
constexpr std::string_view kAnyTokenUse = "";

// The external pool's app client ids (--cognito-client-id, a comma list); --client-id when
// none is given.
std::vector<std::string> cognito_client_ids(const Config& cfg) {
  std::vector<std::string> ids;
  for (std::string_view id : comma_list(cfg.cognito_client_id)) ids.emplace_back(id);
  if (ids.empty()) ids.push_back(cfg.client_id);
  return ids;
}

LoginGate::Options login_gate_options(const Config& cfg) {
  LoginGate::Options o;
  o.capacity = cfg.login_concurrency > 0 ? cfg.login_concurrency : default_login_concurrency();
  // As many may wait as verify: logins hold at most 2 x cores / 2 handler threads, half
  // of the default pool (2 x cores), so reads always keep the other half.
  o.max_waiting = o.capacity;
  o.max_wait_ms = cfg.login_wait_ms;
  return o;
}

}  // namespace

UserView user_view_of(const store::UserRow& u) {
  auto g = effective_group(u.groups);
  return UserView{u.id, u.email, u.full_name, u.groups, g ? group_name(*g) : "", u.tenant_id};
}

TokenService::TokenService(const Config& cfg, store::Store& store, const Clock& clock,
                           std::string master_key32)
    : cfg_(cfg),
      store_(store),
      clock_(clock),
      master_key_(std::move(master_key32)),
      gate_(login_gate_options(cfg)) {
  VerifierConfig vc;
  vc.issuer = cfg.issuer;
  vc.audiences = {cfg.client_id};
  verifier_ = std::make_unique<JwtVerifier>(vc);
  load_keys();
  if (!cfg.cognito_issuer.empty()) {
    std::ifstream in(cfg.cognito_jwks);
    if (!in) throw std::invalid_argument("cannot read --cognito-jwks " + cfg.cognito_jwks);
    std::stringstream ss;
    ss << in.rdbuf();
    auto keys = parse_jwks(ss.str());
    if (!keys || keys->empty()) throw std::invalid_argument("--cognito-jwks has no usable keys");
    VerifierConfig ec;
    ec.issuer = cfg.cognito_issuer;
    ec.audiences = cognito_client_ids(cfg);
    external_ = std::make_unique<JwtVerifier>(ec, *keys);
  }
  sync_revocations(true);
}

TokenService::~TokenService() = default;

void TokenService::load_keys() {
  int64_t now = clock_.now_ms();
  auto& c = store_.conn();
  std::optional<SigningKey> active;
  std::vector<PublicKey> pub;
  for (auto& r : store::list_signing_keys(c)) {
    bool retired = r.retired_at_ms.has_value();
    if (retired && r.publish_until_ms < now) continue;
    auto raw = open_sealed(master_key_, r.private_key_sealed);
    if (!raw) throw std::runtime_error("cannot open signing key " + r.kid + ": wrong master key?");
    auto key = SigningKey::from_private_raw(*raw);
    if (!key) throw std::runtime_error("signing key " + r.kid + " is corrupt");
    pub.push_back(PublicKey::from_signing_key(*key));
    if (!retired && !active) active = *key;
  }
  if (!active) {
    auto key = SigningKey::generate();
    store_.write(store::WriteLock::RowLevel, [&](store::Conn& w) {  // a new row (its kid)
      store::insert_signing_key(w,
                                {key.kid(), "EdDSA", base64url_encode(key.public_raw()),
                                 seal(master_key_, key.private_raw())},
                                now);
    });
    pub.insert(pub.begin(), PublicKey::from_signing_key(key));
    active = key;
    spdlog::info("generated a new token signing key {}", key.kid());
  }
  std::lock_guard lk(keys_mu_);
  signing_ = active;
  published_ = pub;
  verifier_->set_keys(pub);
}

std::string TokenService::rotate_signing_key() {
  int64_t now = clock_.now_ms();
  int64_t publish_until = now + (cfg_.access_ttl_s + 300) * 1000LL;
  store_.write([&](store::Conn& c) { store::retire_signing_keys(c, now, publish_until); });
  load_keys();
  std::lock_guard lk(keys_mu_);
  return signing_->kid();
}

std::string TokenService::jwks() const {
  std::lock_guard lk(keys_mu_);
  return jwks_json(published_);
}

TokenPair TokenService::issue(store::Conn& c, const UserView& u, const std::string& family,
                              const RequestMeta& m) {
  int64_t now_ms = clock_.now_ms();
  // Never issue a token that an earlier revocation of the user (set to the next second)
  // would kill: a login right after RESET_TOKEN carries iat = that second.
  int64_t now = std::max(now_ms / 1000, store::user_tokens_not_before(c, u.id));
  Claims cl;
  cl.sub = u.id;
  cl.email = u.email;
  cl.groups = u.groups;
  cl.tenant_id = u.tenant_id;
  cl.iss = cfg_.issuer;
  cl.aud = cfg_.client_id;
  cl.iat = now;
  cl.exp = now + cfg_.access_ttl_s;
  cl.sid = family;
  std::optional<SigningKey> key;
  {
    std::lock_guard lk(keys_mu_);
    key = signing_;
  }
  TokenPair p;
  cl.token_use = "access";
  cl.jti = new_uuid();
  p.access_token = encode_jwt(cl, *key);
  cl.token_use = "id";
  cl.jti = new_uuid();
  cl.name = u.name;
  p.id_token = encode_jwt(cl, *key);
  p.refresh_token = random_token(32);
  p.expires_in = cfg_.access_ttl_s;
  p.user = u;
  store::insert_session(c,
                        {new_uuid(), family, u.id, sha256_hex(p.refresh_token), now_ms,
                         now_ms + cfg_.refresh_ttl_s * 1000LL, m.ip, m.user_agent.substr(0, 256)});
  return p;
}

TokenPair TokenService::refresh(const std::string& token, const RequestMeta& m) {
  if (token.empty() || token.size() > 256) throw unauthorized("invalid refresh token");
  std::string h = sha256_hex(token);
  int64_t now = clock_.now_ms();
  bool reuse = false;
  std::optional<TokenPair> out;
  std::string refused;  // why a valid session may not refresh (tenant suspended)
  // Off the global write lock (PostgreSQL): the user's row is locked first, as logins and
  // the revoking paths do: a successor inserted here is seen by a revocation or a logout
  // of the user, or this waits for it; and a second refresh of the same token waits here,
  // then reads the session again and finds it rotated (reuse).
  store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    reuse = false;
    refused.clear();
    out.reset();
    auto seen = store::find_session_by_refresh_hash(c, h);
    if (!seen) return;
    store::lock_user_row(c, seen->user_id);
    auto s = store::find_session_by_refresh_hash(c, h);  // as it is now, under the lock
    if (!s) return;
    if (s->rotated_at_ms || s->revoked_at_ms) {
      // A rotated (or revoked) token presented again: it was stolen or replayed. Revoke
      // the whole family so the thief's newer token dies too.
      if (!s->revoked_at_ms) {
        reuse = true;
        store::revoke_session_family(c, s->family_id, now);
        store::revoke_tokens(c, store::session_subject(s->family_id), store::kRevokedForever, now);
        store::audit_append(c,
                            {s->user_id, "unknown", "auth.refresh_reuse", std::nullopt,
                             s->family_id, m.request_id, m.ip, "{}"},
                            now);
      }
      return;
    }
    if (s->expires_at_ms <= now) return;
    auto user = store::find_user_by_id(c, s->user_id);
    if (!user || user->disabled) return;
    if (user->tenant_id) {
      auto st = store::tenant_status(c, *user->tenant_id);
      if (st && (*st == "suspended" || *st == "inactive")) {
        refused = *st;
        return;
      }
    }
    store::mark_session_rotated(c, s->id, now);
    UserView u = user_view_of(*user);
    store::audit_append(
        c, {u.id, u.role, "auth.refresh", u.tenant_id, s->family_id, m.request_id, m.ip, "{}"},
        now);
    out = issue(c, u, s->family_id, m);
  });
  if (reuse) {
    spdlog::warn("refresh token reuse detected; session family revoked (request {})", m.request_id);
    sync_revocations(true);
  }
  if (!refused.empty()) throw tenant_refused(refused);
  if (!out) throw unauthorized("invalid refresh token");
  return *out;
}

void TokenService::logout(const std::string& token, const RequestMeta& m) {
  if (token.empty() || token.size() > 256) return;
  std::string h = sha256_hex(token);
  int64_t now = clock_.now_ms();
  // Off the global write lock: the user's row locked before the family's rows (a refresh
  // of the family beside this commits first and its successor is revoked here, or waits).
  store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
    auto s = store::find_session_by_refresh_hash(c, h);
    if (!s) return;
    store::lock_user_row(c, s->user_id);
    store::revoke_session_family(c, s->family_id, now);
    store::revoke_tokens(c, store::session_subject(s->family_id), store::kRevokedForever, now);
    store::audit_append(
        c,
        {s->user_id, "user", "auth.logout", std::nullopt, s->family_id, m.request_id, m.ip, "{}"},
        now);
  });
  sync_revocations(true);  // this instance at once; the others at their next poll
}

std::optional<UserView> TokenService::user_view(const std::string& user_id) {
  auto u = store::find_user_by_id(store_.conn(), user_id);
  if (!u) return std::nullopt;
  return user_view_of(*u);
}

std::optional<std::string> TokenService::tenant_status_in_memory(const std::string& tenant_id,
                                                                 int64_t now) {
  std::lock_guard lk(status_mu_);
  auto it = status_cache_.find(tenant_id);
  if (it != status_cache_.end() && it->second.second > now) return it->second.first;
  return std::nullopt;
}

std::optional<std::string> TokenService::tenant_status_cached(const std::string& tenant_id) {
  int64_t now = clock_.now_ms();
  if (auto st = tenant_status_in_memory(tenant_id, now)) return st;
  auto st = store::tenant_status(store_.conn(), tenant_id);
  if (!st) return std::nullopt;
  std::lock_guard lk(status_mu_);
  if (status_cache_.size() > 100000) status_cache_.clear();
  status_cache_[tenant_id] = {*st, now + cfg_.tenant_status_cache_ms};
  return st;
}

void TokenService::forget_tenant_status(const std::string& tenant_id) {
  std::lock_guard lk(status_mu_);
  status_cache_.erase(tenant_id);
}

std::optional<Principal> TokenService::authenticate(std::string_view token, std::string& why) {
  int64_t now = clock_.now_ms() / 1000;
  // ID tokens are accepted wherever access tokens are, with the same checks and revocation
  // (API Gateway's Cognito authorizer, which the original ran behind, accepts either).
  auto r = verifier_->verify(token, kAnyTokenUse, now);
  if (!r.ok()) may_block();  // key reloads, external JWKS: on the handler pool only
  if (r.error == VerifyError::UnknownKid) {
    // A key rotated by another instance: reload (at most every 5 s) and try again.
    int64_t last = last_reload_ms_.load();
    if (clock_.now_ms() - last > 5000 &&
        last_reload_ms_.compare_exchange_strong(last, clock_.now_ms())) {
      load_keys();
      r = verifier_->verify(token, kAnyTokenUse, now);
    }
  }
  Principal p;
  if (r.ok()) {
    p.user_id = r.claims.sub;
    p.tenant_id = r.claims.tenant_id;
  } else if (external_ &&
             r.error == VerifyError::UnknownKid) {  // not one of our keys: maybe the user pool's
    auto e = external_->verify(token, kAnyTokenUse, now);
    if (!e.ok()) {
      why = std::string("invalid token: ") + to_string(e.error);
      return std::nullopt;
    }
    r = e;
    p.external = true;
    auto u = store::find_user_by_sub(store_.conn(), e.claims.sub);
    auto g = effective_group(e.claims.groups);
    if (!u) {
      if (g && (*g & kTenantGroups)) throw forbidden("this identity is not linked to any tenant");
      p.user_id = "cognito:" + e.claims.sub;
    } else {
      // The pool still issues tokens to a user Painel disabled (or erased): refuse them
      // here, since the revocation recorded on disabling only covers earlier tokens.
      if (u->disabled) {
        why = "user disabled";
        return std::nullopt;
      }
      p.user_id = u->id;
      p.tenant_id = u->tenant_id;
    }
  } else {
    why = std::string("invalid token: ") + to_string(r.error);
    return std::nullopt;
  }
  sync_revocations();
  if (is_revoked(p, r.claims)) {
    why = "token revoked";
    return std::nullopt;
  }
  if (!take_claims(p, r.claims, why)) return std::nullopt;
  if (p.role & kTenantGroups) {
    if (!p.tenant_id) throw forbidden("this identity is not linked to any tenant");
    auto st = tenant_status_cached(*p.tenant_id);
    if (!st) throw forbidden("tenant not found");
    if (tenant_refusal(*st)) throw tenant_refused(*st);
  }
  return p;
}

bool TokenService::take_claims(Principal& p, const Claims& c, std::string& why) {
  p.sub = c.sub;
  p.sid = c.sid;
  p.email = c.email;
  p.groups = c.groups;
  auto g = effective_group(p.groups);
  if (!g) {
    why = "token carries no recognised group";
    return false;
  }
  p.role = *g;
  return true;
}

const char* TokenService::tenant_refusal(std::string_view status) {
  if (status == "suspended") return "tenant suspended";
  if (status == "inactive") return "tenant inactive";
  return nullptr;
}

std::optional<Principal> TokenService::authenticate_cached(std::string_view token) {
  const int64_t now = clock_.now_ms();
  auto r = verifier_->verify_cached(token, kAnyTokenUse, now / 1000);
  if (!r || !r->ok()) return std::nullopt;
  // A revocation poll that is due, a revoked token, a refusal to explain, an unknown
  // tenant status: authenticate() decides on the pool.
  if (now - last_revocation_sync_ms_.load(std::memory_order_relaxed) >= kRevocationPollMs)
    return std::nullopt;
  Principal p;
  p.user_id = r->claims.sub;
  p.tenant_id = r->claims.tenant_id;
  std::string why;
  if (is_revoked(p, r->claims) || !take_claims(p, r->claims, why)) return std::nullopt;
  if (p.role & kTenantGroups) {
    if (!p.tenant_id) return std::nullopt;
    auto st = tenant_status_in_memory(*p.tenant_id, now);
    if (!st || tenant_refusal(*st)) return std::nullopt;
  }
  return p;
}

}  // namespace painel::auth
