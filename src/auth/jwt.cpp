#include "auth/jwt.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "auth/token_cache.hpp"
#include "core/blocking.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"

namespace painel::auth {
namespace {

using rapidjson::Value;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// RapidJSON keeps duplicate members and FindMember returns the first; another parser
// might take the last. Refusing duplicates removes any such ambiguity about what was
// signed.
bool has_duplicate_members(const Value& object) {
  std::vector<std::string_view> names;
  names.reserve(object.MemberCount());
  for (const auto& m : object.GetObject()) names.push_back(view(m.name));
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) != names.end();
}

// Through the one JSON parse path (core/json): iterative, bounded, strict UTF-8 (a lone
// \udc00 escape in a claim decoded to invalid UTF-8 before, found by fuzz_jwt).
bool parse_object(std::string_view json, rapidjson::Document& doc) {
  return parse_json(json, doc) == nullptr && doc.IsObject() && !has_duplicate_members(doc);
}

// Optional members: absent leaves `out` empty; present with another JSON type -> false.
bool read_string(const Value& obj, const char* name, std::optional<std::string>& out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsString()) return false;
  out.emplace(view(it->value));
  return true;
}

bool read_int(const Value& obj, const char* name, std::optional<int64_t>& out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsInt64()) return false;  // 1.7e9 or "1700000000" are refused
  out = it->value.GetInt64();
  return true;
}

// "aud" may be a string or an array of strings (RFC 7519 §4.1.3).
bool read_string_or_array(const Value& obj, const char* name, std::vector<std::string>& out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return true;
  if (it->value.IsString()) {
    out.emplace_back(view(it->value));
    return true;
  }
  if (!it->value.IsArray()) return false;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) return false;
    out.emplace_back(view(v));
  }
  return true;
}

struct ParsedPayload {
  Claims claims;
  std::optional<std::string> client_id;
  std::vector<std::string> aud;
  bool has_aud = false;  // "aud" present, even as []
};

std::optional<ParsedPayload> parse_payload(std::string_view json) {
  rapidjson::Document doc;
  if (!parse_object(json, doc)) return std::nullopt;
  ParsedPayload p;
  std::optional<std::string> sub, email, use, iss, jti, sid;
  std::optional<int64_t> iat, exp;
  Claims& c = p.claims;
  const bool typed = read_string(doc, "sub", sub) && read_string(doc, "email", email) &&
                     read_string(doc, "token_use", use) && read_string(doc, "iss", iss) &&
                     read_string(doc, "jti", jti) && read_string(doc, "sid", sid) &&
                     read_string(doc, "client_id", p.client_id) &&
                     read_string(doc, "custom:tenant_id", c.tenant_id) &&
                     read_string(doc, "name", c.name) && read_int(doc, "iat", iat) &&
                     read_int(doc, "exp", exp) && read_int(doc, "nbf", c.nbf) &&
                     read_string_or_array(doc, "aud", p.aud) &&
                     read_string_or_array(doc, "cognito:groups", c.groups);
  // A lone string for cognito:groups is not what Cognito emits; require the array.
  auto groups = doc.FindMember("cognito:groups");
  if (!typed || (groups != doc.MemberEnd() && !groups->value.IsArray())) return std::nullopt;
  if (!sub || sub->empty() || !use || !iss || !iat || !exp) return std::nullopt;
  p.has_aud = doc.HasMember("aud");
  c.sub = std::move(*sub);
  c.email = email.value_or("");
  c.token_use = std::move(*use);
  c.iss = std::move(*iss);
  c.jti = jti.value_or("");
  c.sid = sid.value_or("");
  c.iat = *iat;
  c.exp = *exp;
  return p;
}

// Cognito names the client in "client_id" in an access token and in "aud" in an ID token,
// never the other way round, so each kind is checked on its own claim only:
// - access: "client_id" is an accepted client id, and there is no "aud";
// - id: "aud" is present and every audience in it is an accepted client id (OpenID
//   Connect Core §3.1.3.7: a token that also names an untrusted audience is refused), and
//   there is no "client_id".
// A token carrying the other kind's claim (an access token with "aud", an ID token with
// "client_id") is a mix-up and refused. Sets claims.aud to the client id on success.
bool audience_ok(ParsedPayload& p, const std::vector<std::string>& accepted) {
  auto accepts = [&](const std::string& id) {
    return !id.empty() && std::find(accepted.begin(), accepted.end(), id) != accepted.end();
  };
  Claims& c = p.claims;
  if (c.token_use == "access") {
    if (p.has_aud || !p.client_id || !accepts(*p.client_id)) return false;
    c.aud = *p.client_id;
    return true;
  }
  if (p.client_id || p.aud.empty() || !std::all_of(p.aud.begin(), p.aud.end(), accepts))
    return false;
  c.aud = p.aud.front();
  return true;
}

void write_string(JsonWriter& w, const char* name, std::string_view value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_int(JsonWriter& w, const char* name, int64_t value) {
  w.Key(name);
  w.Int64(value);
}

}  // namespace

// --- Encoding ------------------------------------------------------------------------

std::string encode_jwt(const Claims& c, const SigningKey& key) {
  rapidjson::StringBuffer header;
  {
    JsonWriter w(header);
    w.StartObject();
    write_string(w, "alg", "EdDSA");
    write_string(w, "typ", "JWT");
    write_string(w, "kid", key.kid());
    w.EndObject();
  }
  rapidjson::StringBuffer payload;
  {
    JsonWriter w(payload);
    w.StartObject();
    write_string(w, "sub", c.sub);
    if (!c.email.empty()) write_string(w, "email", c.email);
    if (c.name) write_string(w, "name", *c.name);
    w.Key("cognito:groups");
    w.StartArray();
    for (const std::string& g : c.groups) w.String(g);
    w.EndArray();
    if (c.tenant_id) write_string(w, "custom:tenant_id", *c.tenant_id);
    write_string(w, "token_use", c.token_use);
    write_string(w, "iss", c.iss);
    if (!c.aud.empty()) write_string(w, c.token_use == "access" ? "client_id" : "aud", c.aud);
    if (!c.jti.empty()) write_string(w, "jti", c.jti);
    if (!c.sid.empty()) write_string(w, "sid", c.sid);
    write_int(w, "iat", c.iat);
    write_int(w, "auth_time", c.iat);
    write_int(w, "exp", c.exp);
    if (c.nbf) write_int(w, "nbf", *c.nbf);
    w.EndObject();
  }
  std::string token = base64url_encode({header.GetString(), header.GetSize()});
  token += '.';
  token += base64url_encode({payload.GetString(), payload.GetSize()});
  const std::string signature = key.sign(token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

// --- Verification --------------------------------------------------------------------

const char* to_string(VerifyError error) {
  switch (error) {
    case VerifyError::None:
      return "none";
    case VerifyError::Malformed:
      return "malformed";
    case VerifyError::TooLarge:
      return "too_large";
    case VerifyError::BadAlgorithm:
      return "bad_algorithm";
    case VerifyError::UnknownKid:
      return "unknown_kid";
    case VerifyError::BadSignature:
      return "bad_signature";
    case VerifyError::Expired:
      return "expired";
    case VerifyError::NotYetValid:
      return "not_yet_valid";
    case VerifyError::WrongIssuer:
      return "wrong_issuer";
    case VerifyError::WrongAudience:
      return "wrong_audience";
    case VerifyError::WrongTokenUse:
      return "wrong_token_use";
  }
  return "unknown";
}

struct JwtVerifier::KeySet {
  uint64_t generation = 0;
  std::unordered_map<std::string, PublicKey> by_kid;
};

namespace {
VerifyResult reject(VerifyError error) {
  VerifyResult result;
  result.error = error;
  return result;
}

VerifierConfig normalized(VerifierConfig config) {
  config.leeway_s = std::clamp<int64_t>(config.leeway_s, 0, 24 * 3600);
  return config;
}
}  // namespace

JwtVerifier::JwtVerifier(VerifierConfig config, std::vector<PublicKey> keys)
    : config_(normalized(std::move(config))) {
  if (config_.use_cache && config_.cache_capacity > 0) {
    cache_ = std::make_unique<VerifiedTokenCache>(config_.cache_capacity);
  }
  set_keys(std::move(keys));
}

JwtVerifier::~JwtVerifier() = default;

void JwtVerifier::set_keys(std::vector<PublicKey> keys) {
  auto next = std::make_shared<KeySet>();
  for (PublicKey& key : keys) {
    std::string kid = key.kid();
    next->by_kid.try_emplace(std::move(kid), std::move(key));  // first of a kid wins
  }
  std::lock_guard lock(keys_mu_);
  next->generation = next_generation_++;
  // Reset before publishing: until then verifications use the old generation, whose
  // lookups now miss and whose inserts are dropped.
  if (cache_) cache_->reset(next->generation);
  keys_ = std::move(next);
}

std::shared_ptr<const JwtVerifier::KeySet> JwtVerifier::snapshot() const {
  std::lock_guard lock(keys_mu_);
  return keys_;
}

VerifyResult JwtVerifier::verify(std::string_view token, std::string_view expected_token_use,
                                 int64_t now_s) const {
  VerifyResult result = verify_uncounted(token, expected_token_use, now_s);
  rejected_[static_cast<std::size_t>(result.error)].fetch_add(1, std::memory_order_relaxed);
  return result;
}

std::optional<VerifyResult> JwtVerifier::find_cached(const std::string& token_hash,
                                                     uint64_t generation,
                                                     std::string_view expected_use,
                                                     int64_t now_s) const {
  auto hit = cache_->find(token_hash, generation);
  if (!hit) return std::nullopt;
  cache_hits_.fetch_add(1, std::memory_order_relaxed);
  const VerifyError error = check_time_and_use(*hit, expected_use, now_s);
  if (error != VerifyError::None) return reject(error);
  return VerifyResult{VerifyError::None, *hit};
}

std::optional<VerifyResult> JwtVerifier::verify_cached(std::string_view token,
                                                       std::string_view expected_use,
                                                       int64_t now_s) const {
  if (!cache_ || token.size() > config_.max_token_bytes) return std::nullopt;
  auto result = find_cached(sha256_raw(token), snapshot()->generation, expected_use, now_s);
  if (result)
    rejected_[static_cast<std::size_t>(result->error)].fetch_add(1, std::memory_order_relaxed);
  return result;
}

VerifyError JwtVerifier::check_time_and_use(const Claims& c, std::string_view expected_use,
                                            int64_t now_s) const {
  const int64_t leeway = config_.leeway_s;
  if (sat_add(c.exp, leeway) < now_s) return VerifyError::Expired;
  const int64_t latest_start = sat_add(now_s, leeway);
  if (c.iat > latest_start || (c.nbf && *c.nbf > latest_start)) return VerifyError::NotYetValid;
  if (!expected_use.empty() && c.token_use != expected_use) return VerifyError::WrongTokenUse;
  return VerifyError::None;
}

VerifyResult JwtVerifier::verify_uncounted(std::string_view token, std::string_view expected_use,
                                           int64_t now_s) const {
  // Size first, so an oversized token costs neither a hash nor a decode.
  if (token.size() > config_.max_token_bytes) return reject(VerifyError::TooLarge);
  const std::shared_ptr<const KeySet> keys = snapshot();

  std::string token_hash;
  if (cache_) {
    token_hash = sha256_raw(token);
    if (auto hit = find_cached(token_hash, keys->generation, expected_use, now_s)) return *hit;
    may_block();  // a signature check is ~80 µs of CPU: not on a network thread
    cache_misses_.fetch_add(1, std::memory_order_relaxed);
  } else {
    may_block();
  }

  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
  if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos) {
    return reject(VerifyError::Malformed);
  }
  const auto header = base64url_decode(token.substr(0, dot1));
  const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return reject(VerifyError::Malformed);

  // The header picks the key, but the key's type alone decides the algorithm. "jku",
  // "jwk" and "x5u" are ignored: keys come only from set_keys. "crit" names extensions
  // we would have to understand (RFC 7515 §4.1.11), and we understand none.
  rapidjson::Document hdoc;
  std::optional<std::string> alg, kid;
  if (!parse_object(*header, hdoc) || hdoc.HasMember("crit") || !read_string(hdoc, "alg", alg) ||
      !read_string(hdoc, "kid", kid)) {
    return reject(VerifyError::Malformed);
  }
  if (!alg || (*alg != "EdDSA" && *alg != "RS256")) return reject(VerifyError::BadAlgorithm);
  if (!kid) return reject(VerifyError::UnknownKid);
  const auto key = keys->by_kid.find(*kid);
  if (key == keys->by_kid.end()) return reject(VerifyError::UnknownKid);
  if (key->second.alg() != *alg) return reject(VerifyError::BadAlgorithm);
  if (!key->second.verify(token.substr(0, dot2), *signature))
    return reject(VerifyError::BadSignature);

  // Only now, with the bytes authenticated, is the payload parsed.
  std::optional<ParsedPayload> parsed = parse_payload(*payload);
  if (!parsed) return reject(VerifyError::Malformed);
  Claims& claims = parsed->claims;
  if (claims.token_use != "access" && claims.token_use != "id") {
    return reject(VerifyError::WrongTokenUse);
  }
  if (claims.iss.empty() || claims.iss != config_.issuer) return reject(VerifyError::WrongIssuer);
  if (!audience_ok(*parsed, config_.audiences)) return reject(VerifyError::WrongAudience);

  const VerifyError error = check_time_and_use(claims, expected_use, now_s);
  // token_use is checked per call, so a token refused only for it is still worth caching.
  if (cache_ && (error == VerifyError::None || error == VerifyError::WrongTokenUse)) {
    cache_->insert(token_hash, claims, keys->generation, sat_add(now_s, -config_.leeway_s));
  }
  if (error != VerifyError::None) return reject(error);
  return {VerifyError::None, std::move(claims)};
}

VerifierStats JwtVerifier::stats() const {
  VerifierStats s;
  s.cache_hits = cache_hits_.load(std::memory_order_relaxed);
  s.cache_misses = cache_misses_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kVerifyErrorCount; ++i) {
    s.rejected[i] = rejected_[i].load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace painel::auth
