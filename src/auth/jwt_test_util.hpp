#pragma once
// Helpers shared by the auth unit tests: hand-built ("forged") tokens, so each test can
// present the verifier with exactly the bytes an attacker could send.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "auth/jwt.hpp"

namespace painel::auth::testing {

inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr const char* kIssuer = "https://cognito-idp.sa-east-1.amazonaws.com/pool";
inline constexpr const char* kClientId = "painel-web";

inline VerifierConfig test_config(bool use_cache = true) {
  VerifierConfig config;
  config.issuer = kIssuer;
  config.audiences = {"other-client", kClientId};
  config.use_cache = use_cache;
  return config;
}

inline Claims access_claims() {
  Claims c;
  c.sub = "8f0c2d3e-user";
  c.email = "ana@example.com";
  c.token_use = "access";
  c.iss = kIssuer;
  c.aud = kClientId;
  c.jti = "jti-1";
  c.groups = {"TENANT_ADMIN", "TENANT_USER"};
  c.tenant_id = "tenant-42";
  c.name = "Ana";
  c.iat = kNow - 10;
  c.exp = kNow + 3600;
  return c;
}

// A payload with every claim valid for kNow; `extra` is spliced in before the closing
// brace (e.g. R"(,"nbf":123)") to add or, together with `omit`, replace claims.
inline std::string payload_json(std::string_view token_use = "access",
                                std::string_view extra = "") {
  return std::string(R"({"sub":"u-1","token_use":")") + std::string(token_use) + R"(","iss":")" +
         kIssuer + R"(","client_id":")" + kClientId + R"(","iat":)" + std::to_string(kNow - 10) +
         R"(,"exp":)" + std::to_string(kNow + 3600) + std::string(extra) + "}";
}

inline std::string header_json(std::string_view alg, std::string_view kid) {
  return std::string(R"({"alg":")") + std::string(alg) + R"(","kid":")" + std::string(kid) +
         R"("})";
}

// header.payload signed with `key`, whatever the header claims.
inline std::string forge(std::string_view header, std::string_view payload, const SigningKey& key) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(key.sign(input));
}

inline std::string ed_header(const SigningKey& key) { return header_json("EdDSA", key.kid()); }

}  // namespace painel::auth::testing
