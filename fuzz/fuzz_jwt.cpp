// The JWT verifier (auth/jwt). An input is either a raw token (first byte even) or, so
// the fuzzer gets past the signature to the payload parser, "header-json\npayload-json"
// that the target signs with the fixed test key (first byte odd). Whatever verifies must
// satisfy every claim check, re-encode to a token that verifies to the same claims, and
// the verified-token cache must not change any answer.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/keys.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace painel::auth;
using painel::base64url_encode;

constexpr int64_t kNow = 1'700'000'000;
constexpr const char* kIssuer = "https://cognito-idp.sa-east-1.amazonaws.com/pool";
constexpr const char* kClientId = "painel-web";

VerifierConfig config(bool use_cache) {
  VerifierConfig c;
  c.issuer = kIssuer;
  c.audiences = {"other-client", kClientId};
  c.use_cache = use_cache;
  return c;
}

// A fixed key, so a crash reproduces from its input alone (seed: 32 bytes of 0x42).
const SigningKey& test_key() {
  static const SigningKey key = *SigningKey::from_private_raw(std::string(32, '\x42'));
  return key;
}

bool same_claims(const Claims& a, const Claims& b) {
  return a.sub == b.sub && a.email == b.email && a.token_use == b.token_use && a.iss == b.iss &&
         a.aud == b.aud && a.jti == b.jti && a.groups == b.groups && a.tenant_id == b.tenant_id &&
         a.name == b.name && a.iat == b.iat && a.exp == b.exp && a.nbf == b.nbf;
}

void check_accepted(const Claims& c, const JwtVerifier& verifier) {
  const auto& cfg = verifier.config();
  FUZZ_CHECK(!c.sub.empty());
  FUZZ_CHECK(c.token_use == "access" || c.token_use == "id");
  FUZZ_CHECK(c.iss == kIssuer);
  FUZZ_CHECK(c.aud == "other-client" || c.aud == kClientId);
  FUZZ_CHECK(c.exp >= kNow - cfg.leeway_s);
  FUZZ_CHECK(c.iat <= kNow + cfg.leeway_s);
  FUZZ_CHECK(!c.nbf || *c.nbf <= kNow + cfg.leeway_s);
  // The payload parser validates encoding, so every claim is UTF-8 even today.
  for (std::string_view s : {std::string_view(c.sub), std::string_view(c.email),
                             std::string_view(c.jti), std::string_view(c.aud)})
    FUZZ_CHECK(painel::fuzz::is_utf8(s));
  for (const auto& g : c.groups) FUZZ_CHECK(painel::fuzz::is_utf8(g));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const PublicKey public_key = PublicKey::from_signing_key(test_key());
  static const JwtVerifier plain(config(false), {public_key});
  static const JwtVerifier cached(config(true), {public_key});

  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  std::optional<std::string> header;
  if (data[0] % 2 == 0) {
    token = rest;
  } else {
    const size_t nl = rest.find('\n');
    header = std::string(rest.substr(0, nl));
    const std::string payload(nl == rest.npos ? std::string_view{} : rest.substr(nl + 1));
    token = base64url_encode(*header) + "." + base64url_encode(payload);
    token += "." + base64url_encode(test_key().sign(token));
  }

  const std::string_view use = data[0] & 2 ? "access" : "";
  const VerifyResult result = plain.verify(token, use, kNow);
  // Twice through the cache: the miss that fills it and the hit must both agree.
  for (int i = 0; i < 2; ++i) {
    const VerifyResult again = cached.verify(token, use, kNow);
    FUZZ_CHECK(again.error == result.error);
    if (result.ok()) FUZZ_CHECK(same_claims(again.claims, result.claims));
  }
  if (!result.ok()) return 0;

  check_accepted(result.claims, plain);
  if (header) {  // the key's type alone picks the algorithm
    rapidjson::Document h;
    h.Parse(header->data(), header->size());
    FUZZ_CHECK(h.IsObject() && h.HasMember("alg") && h["alg"] == "EdDSA");
    FUZZ_CHECK(h.HasMember("kid") && h["kid"] == test_key().kid().c_str());
  }
  const std::string reissued = encode_jwt(result.claims, test_key());
  // Re-encoding adds auth_time, typ and an empty group list: a token at the size limit
  // may outgrow it.
  if (reissued.size() > plain.config().max_token_bytes) return 0;
  const VerifyResult round = plain.verify(reissued, use, kNow);
  FUZZ_CHECK(round.ok() && same_claims(round.claims, result.claims));
  return 0;
}
