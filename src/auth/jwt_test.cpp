#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/jwt_test_util.hpp"
#include "core/crypto.hpp"

namespace painel::auth {
namespace {

using namespace painel::auth::testing;

class JwtTest : public ::testing::Test {
 protected:
  SigningKey key_ = SigningKey::generate();
  JwtVerifier verifier_{test_config(), {PublicKey::from_signing_key(key_)}};

  VerifyError verify_error(const std::string& token, std::string_view use = "access",
                           int64_t now = kNow) {
    return verifier_.verify(token, use, now).error;
  }
  std::string signed_payload(std::string_view payload) {
    return forge(ed_header(key_), payload, key_);
  }
};

std::string segment(const std::string& token, int index) {
  std::size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = token.find('.', begin) + 1;
  return *base64url_decode(token.substr(begin, token.find('.', begin) - begin));
}

TEST_F(JwtTest, AccessTokenRoundTripsEveryClaim) {
  Claims in = access_claims();
  in.sid = "family-1";
  const VerifyResult r = verifier_.verify(encode_jwt(in, key_), "access", kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_EQ(r.claims.sub, in.sub);
  EXPECT_EQ(r.claims.sid, "family-1");
  EXPECT_EQ(r.claims.email, in.email);
  EXPECT_EQ(r.claims.token_use, "access");
  EXPECT_EQ(r.claims.iss, in.iss);
  EXPECT_EQ(r.claims.aud, kClientId);
  EXPECT_EQ(r.claims.jti, in.jti);
  EXPECT_EQ(r.claims.groups, in.groups);
  EXPECT_EQ(r.claims.tenant_id, in.tenant_id);
  EXPECT_EQ(r.claims.name, in.name);
  EXPECT_EQ(r.claims.iat, in.iat);
  EXPECT_EQ(r.claims.exp, in.exp);
  EXPECT_FALSE(r.claims.nbf.has_value());
}

TEST_F(JwtTest, EncodesCognitoShapedHeaderAndClaims) {
  Claims c = access_claims();
  c.tenant_id.reset();
  const std::string token = encode_jwt(c, key_);
  EXPECT_EQ(segment(token, 0), R"({"alg":"EdDSA","typ":"JWT","kid":")" + key_.kid() + R"("})");
  const std::string payload = segment(token, 1);
  EXPECT_NE(payload.find(R"("cognito:groups":["TENANT_ADMIN","TENANT_USER"])"), payload.npos);
  EXPECT_NE(payload.find(R"("client_id":"painel-web")"), payload.npos);
  EXPECT_EQ(payload.find(R"("aud")"), payload.npos);
  EXPECT_EQ(payload.find("custom:tenant_id"), payload.npos);
  EXPECT_NE(payload.find(R"("auth_time":)" + std::to_string(c.iat)), payload.npos);
}

TEST_F(JwtTest, IdTokenCarriesClientInAud) {
  Claims c = access_claims();
  c.token_use = "id";
  const std::string token = encode_jwt(c, key_);
  EXPECT_NE(segment(token, 1).find(R"("aud":"painel-web")"), std::string::npos);
  const VerifyResult r = verifier_.verify(token, "id", kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_EQ(r.claims.aud, kClientId);
  EXPECT_EQ(r.claims.tenant_id, "tenant-42");
}

// An ID token's payload naming its client(s) by `aud_json` (and, with `extra`, more).
std::string id_payload(std::string_view aud_json, std::string_view extra = "") {
  return R"({"sub":"u","token_use":"id","iss":")" + std::string(kIssuer) + R"(","aud":)" +
         std::string(aud_json) + std::string(extra) + R"(,"iat":1700000000,"exp":1700003600})";
}

TEST_F(JwtTest, AcceptsAudAsArrayOfAcceptedClients) {
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"(["other-client","painel-web"])")), "id"),
            VerifyError::None);
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"(["painel-web"])")), "id"), VerifyError::None);
}

TEST_F(JwtTest, IdTokenAudMustNameOnlyAcceptedClients) {
  // OpenID Connect Core 3.1.3.7: an audience the verifier does not trust voids the token,
  // even beside a trusted one.
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"(["x","painel-web"])")), ""),
            VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"("x")")), ""), VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"("")")), ""), VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(id_payload("[]")), ""), VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(id_payload(R"("PAINEL-WEB")")), ""),
            VerifyError::WrongAudience);
}

TEST_F(JwtTest, IdTokenNamesItsClientInAudNotClientId) {
  // Cognito's ID tokens carry "aud" and no "client_id": one with client_id only, or with
  // both, is an access/ID mix-up.
  EXPECT_EQ(verify_error(signed_payload(payload_json("id")), ""), VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(
                signed_payload(id_payload(R"("painel-web")", R"(,"client_id":"painel-web")")), ""),
            VerifyError::WrongAudience);
}

TEST_F(JwtTest, AccessTokenNamesItsClientInClientIdNotAud) {
  // An access token whose client is only in "aud" (an ID token relabelled "access"), or
  // that carries an "aud" beside client_id, is refused.
  std::string aud_only = id_payload(R"("painel-web")");
  aud_only.replace(aud_only.find(R"("id")"), 4, R"("access")");
  EXPECT_EQ(verify_error(signed_payload(aud_only), ""), VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(payload_json("access", R"(,"aud":"painel-web")")), ""),
            VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(payload_json("access", R"(,"aud":[])")), ""),
            VerifyError::WrongAudience);
  EXPECT_EQ(verify_error(signed_payload(payload_json("access")), ""), VerifyError::None);
}

TEST_F(JwtTest, IdTokenGetsTheSameTimeChecksAsAnAccessToken) {
  Claims c = access_claims();
  c.token_use = "id";
  c.exp = kNow - 30;  // within the leeway
  EXPECT_EQ(verify_error(encode_jwt(c, key_), ""), VerifyError::None);
  c.exp = kNow - 31;
  EXPECT_EQ(verify_error(encode_jwt(c, key_), ""), VerifyError::Expired);
  c.exp = kNow + 3600;
  c.nbf = kNow + 31;
  EXPECT_EQ(verify_error(encode_jwt(c, key_), ""), VerifyError::NotYetValid);
  c.nbf.reset();
  c.iss = std::string(kIssuer) + "/evil";
  EXPECT_EQ(verify_error(encode_jwt(c, key_), ""), VerifyError::WrongIssuer);
}

TEST_F(JwtTest, RejectsAlgNone) {
  const std::string token = base64url_encode(header_json("none", key_.kid())) + "." +
                            base64url_encode(payload_json()) + ".";
  EXPECT_EQ(verify_error(token), VerifyError::BadAlgorithm);
}

TEST_F(JwtTest, RejectsHs256KeyedWithThePublicKey) {
  // The classic confusion attack: HMAC with the (public) verification key as the secret.
  const std::string input =
      base64url_encode(header_json("HS256", key_.kid())) + "." + base64url_encode(payload_json());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_.public_raw().data(), static_cast<int>(key_.public_raw().size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  const std::string token = input + "." + base64url_encode({reinterpret_cast<char*>(mac), mac_len});
  EXPECT_EQ(verify_error(token), VerifyError::BadAlgorithm);
}

TEST_F(JwtTest, RejectsRs256HeaderOnEd25519Kid) {
  EXPECT_EQ(verify_error(forge(header_json("RS256", key_.kid()), payload_json(), key_)),
            VerifyError::BadAlgorithm);
}

TEST_F(JwtTest, RejectsUnknownAndMissingKid) {
  const SigningKey stranger = SigningKey::generate();
  EXPECT_EQ(verify_error(encode_jwt(access_claims(), stranger)), VerifyError::UnknownKid);
  EXPECT_EQ(verify_error(forge(R"({"alg":"EdDSA"})", payload_json(), key_)),
            VerifyError::UnknownKid);
}

TEST_F(JwtTest, RejectsAKidSignedByAnotherKey) {
  const SigningKey stranger = SigningKey::generate();
  EXPECT_EQ(verify_error(forge(ed_header(key_), payload_json(), stranger)),
            VerifyError::BadSignature);
}

TEST_F(JwtTest, RejectsFlippedSignatureByte) {
  const std::string token = encode_jwt(access_claims(), key_);
  const std::size_t sig_at = token.rfind('.') + 1;
  std::string sig = *base64url_decode(token.substr(sig_at));
  sig[10] ^= 0x01;
  EXPECT_EQ(verify_error(token.substr(0, sig_at) + base64url_encode(sig)),
            VerifyError::BadSignature);
  EXPECT_EQ(verify_error(token.substr(0, sig_at) + base64url_encode(sig.substr(1))),
            VerifyError::BadSignature);
}

TEST_F(JwtTest, RejectsChangedPayloadUnderOriginalSignature) {
  const std::string token = encode_jwt(access_claims(), key_);
  Claims admin = access_claims();
  admin.groups = {"INTERNAL_ADMIN"};
  const std::string other = encode_jwt(admin, key_);
  const std::size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  const std::string spliced =
      token.substr(0, dot1) + other.substr(dot1, other.rfind('.') - dot1) + token.substr(dot2);
  EXPECT_EQ(verify_error(spliced), VerifyError::BadSignature);
}

TEST_F(JwtTest, ExpiryHonoursLeeway) {
  Claims c = access_claims();
  c.exp = kNow - 30;  // leeway is 30 s: still accepted
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::None);
  c.exp = kNow - 31;
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::Expired);
}

TEST_F(JwtTest, RejectsNbfAndIatInTheFuture) {
  Claims c = access_claims();
  c.nbf = kNow + 31;
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::NotYetValid);
  c.nbf = kNow + 30;
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::None);
  c.nbf.reset();
  c.iat = kNow + 31;
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::NotYetValid);
}

TEST_F(JwtTest, RejectsWrongIssuer) {
  Claims c = access_claims();
  c.iss = std::string(kIssuer) + "/evil";
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::WrongIssuer);
}

TEST_F(JwtTest, RejectsWrongOrMissingAudience) {
  Claims c = access_claims();
  c.aud = "someone-else";
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::WrongAudience);
  c.aud.clear();
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::WrongAudience);
}

TEST_F(JwtTest, EmptyAudienceListAcceptsNothing) {
  VerifierConfig config = test_config();
  config.audiences.clear();
  JwtVerifier strict(config, {PublicKey::from_signing_key(key_)});
  EXPECT_EQ(strict.verify(encode_jwt(access_claims(), key_), "", kNow).error,
            VerifyError::WrongAudience);
}

TEST_F(JwtTest, RejectsWrongTokenUse) {
  const std::string access = encode_jwt(access_claims(), key_);
  EXPECT_EQ(verify_error(access, "id"), VerifyError::WrongTokenUse);
  EXPECT_EQ(verify_error(access, ""), VerifyError::None);
  EXPECT_EQ(verify_error(signed_payload(payload_json("refresh")), ""), VerifyError::WrongTokenUse);
}

TEST_F(JwtTest, RejectsBadBase64) {
  const std::string token = encode_jwt(access_claims(), key_);
  const std::size_t dot1 = token.find('.');
  std::string bad_char = token;
  bad_char[dot1 + 3] = '*';
  EXPECT_EQ(verify_error(bad_char), VerifyError::Malformed);
  std::string std_alphabet = token;
  std_alphabet[dot1 + 3] = '+';
  EXPECT_EQ(verify_error(std_alphabet), VerifyError::Malformed);
  EXPECT_EQ(verify_error(token + "=="), VerifyError::Malformed);
}

TEST_F(JwtTest, RejectsNonJsonOrNonObjectSignedPayload) {
  EXPECT_EQ(verify_error(signed_payload("not json")), VerifyError::Malformed);
  EXPECT_EQ(verify_error(signed_payload(R"(["sub"])")), VerifyError::Malformed);
  EXPECT_EQ(verify_error(signed_payload(payload_json() + "{}")), VerifyError::Malformed);
  EXPECT_EQ(verify_error(forge("{", payload_json(), key_)), VerifyError::Malformed);
}

// Found by fuzz_jwt: a lone low-surrogate escape in a claim decoded to invalid UTF-8, which
// then reached the logs, the audit rows and JSON answers.
TEST_F(JwtTest, RejectsClaimsThatDecodeToInvalidUtf8) {
  EXPECT_EQ(verify_error(signed_payload(payload_json("access", R"(,"name":"u\udefa")"))),
            VerifyError::Malformed);
  EXPECT_EQ(verify_error(forge(R"({"alg":"EdDSA","kid":"\udc00"})", payload_json(), key_)),
            VerifyError::Malformed);
}

TEST_F(JwtTest, RejectsWrongSegmentCount) {
  const std::string token = encode_jwt(access_claims(), key_);
  EXPECT_EQ(verify_error(token.substr(0, token.rfind('.'))), VerifyError::Malformed);
  EXPECT_EQ(verify_error(token + ".e30"), VerifyError::Malformed);
  EXPECT_EQ(verify_error(""), VerifyError::Malformed);
  EXPECT_EQ(verify_error(".."), VerifyError::Malformed);
}

TEST_F(JwtTest, RejectsOversizedTokenBeforeParsing) {
  Claims c = access_claims();
  c.name = std::string(8192, 'a');
  EXPECT_EQ(verify_error(encode_jwt(c, key_)), VerifyError::TooLarge);
  EXPECT_EQ(verify_error(std::string(8193, '.')), VerifyError::TooLarge);
}

TEST_F(JwtTest, RejectsClaimsOfTheWrongType) {
  for (const char* extra : {R"(,"cognito:groups":"TENANT_ADMIN")", R"(,"cognito:groups":[1])",
                            R"(,"custom:tenant_id":42)", R"(,"nbf":"1")", R"(,"nbf":1.5)",
                            R"(,"email":null)", R"(,"aud":{"x":1})"}) {
    EXPECT_EQ(verify_error(signed_payload(payload_json("access", extra))), VerifyError::Malformed)
        << extra;
  }
  const std::string string_exp = R"({"sub":"u","token_use":"access","iss":")" +
                                 std::string(kIssuer) +
                                 R"(","client_id":"painel-web","iat":1,"exp":"9999999999"})";
  EXPECT_EQ(verify_error(signed_payload(string_exp)), VerifyError::Malformed);
  const std::string no_sub = R"({"token_use":"access","iss":")" + std::string(kIssuer) +
                             R"(","client_id":"painel-web","iat":1,"exp":9999999999})";
  EXPECT_EQ(verify_error(signed_payload(no_sub)), VerifyError::Malformed);
}

TEST_F(JwtTest, RejectsDuplicateClaims) {
  // A second "sub" could be read differently by another parser; refuse the ambiguity.
  EXPECT_EQ(verify_error(signed_payload(payload_json("access", R"(,"sub":"admin")"))),
            VerifyError::Malformed);
}

TEST_F(JwtTest, RejectsCritHeader) {
  EXPECT_EQ(
      verify_error(forge(R"({"alg":"EdDSA","kid":")" + key_.kid() + R"(","crit":["exp"],"exp":1})",
                         payload_json(), key_)),
      VerifyError::Malformed);
}

TEST_F(JwtTest, CountsRejectionsByReason) {
  verify_error("x");
  verify_error(encode_jwt(access_claims(), key_));
  const VerifierStats stats = verifier_.stats();
  EXPECT_EQ(stats.rejected[static_cast<std::size_t>(VerifyError::Malformed)], 1u);
  EXPECT_EQ(stats.rejected[static_cast<std::size_t>(VerifyError::None)], 1u);
  EXPECT_STREQ(to_string(VerifyError::BadSignature), "bad_signature");
}

}  // namespace
}  // namespace painel::auth
