#include "auth/keys.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "core/crypto.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_test_util.hpp"

namespace painel::auth {
namespace {

using namespace painel::auth::testing;

// An RSA key as an external Cognito user pool would have; generated once (it is slow).
struct RsaFixture {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{EVP_RSA_gen(2048), EVP_PKEY_free};
  std::string n = bn_param(OSSL_PKEY_PARAM_RSA_N);
  std::string e = bn_param(OSSL_PKEY_PARAM_RSA_E);

  std::string bn_param(const char* name) const {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(pkey.get(), name, &bn), 1);
    std::string out(BN_num_bytes(bn), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
  }

  std::string sign_rs256(std::string_view input) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t len = 0;
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()), 1);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len,
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    std::string sig(len, '\0');
    EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    sig.resize(len);
    return sig;
  }

  std::string token(std::string_view header, std::string_view payload) const {
    const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    return input + "." + base64url_encode(sign_rs256(input));
  }

  static const RsaFixture& get() {
    static const RsaFixture fixture;
    return fixture;
  }
};

// What a Cognito user pool's /.well-known/jwks.json looks like, written by hand.
std::string cognito_jwks(const RsaFixture& rsa, std::string_view kid) {
  return R"({"keys":[{"alg":"RS256","e":")" + base64url_encode(rsa.e) + R"(","kid":")" +
         std::string(kid) + R"(","kty":"RSA","n":")" + base64url_encode(rsa.n) +
         R"(","use":"sig"}]})";
}

// Claims as Cognito writes them in an access token, including ones Painel ignores.
std::string cognito_access_payload() {
  return R"({"sub":"aaaaaaaa-bbbb","cognito:groups":["TENANT_USER"],"iss":")" +
         std::string(kIssuer) +
         R"(","version":2,"client_id":"painel-web","origin_jti":"o","event_id":"e",)"
         R"("token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1699999990,)"
         R"("exp":1700003590,"iat":1699999990,"jti":"j-1","username":"ana"})";
}

TEST(SigningKeyTest, PrivateRawRecreatesTheSameKey) {
  const SigningKey key = SigningKey::generate();
  const std::optional<SigningKey> again = SigningKey::from_private_raw(key.private_raw());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->public_raw(), key.public_raw());
  EXPECT_EQ(again->kid(), key.kid());
  EXPECT_EQ(key.kid().size(), 16u);  // base64url of 12 bytes
  EXPECT_EQ(key.kid(), base64url_encode(sha256_raw(key.public_raw()).substr(0, 12)));
  EXPECT_NE(SigningKey::generate().kid(), key.kid());
  EXPECT_FALSE(SigningKey::from_private_raw("short").has_value());
}

TEST(SigningKeyTest, CopiesShareTheKeyAndSign) {
  const SigningKey key = SigningKey::generate();
  const SigningKey copy = key;  // NOLINT(performance-unnecessary-copy-initialization)
  const std::string sig = copy.sign("message");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(PublicKey::from_signing_key(key).verify("message", sig));
  EXPECT_FALSE(PublicKey::from_signing_key(key).verify("messagE", sig));
}

TEST(JwksTest, RoundTripsEd25519AndRsaKeys) {
  const SigningKey ed = SigningKey::generate();
  const RsaFixture& rsa = RsaFixture::get();
  const std::vector<PublicKey> keys = {PublicKey::from_signing_key(ed),
                                       *PublicKey::from_rsa("rsa-1", rsa.n, rsa.e)};
  const std::string json = jwks_json(keys);
  EXPECT_NE(json.find(R"("kty":"OKP","crv":"Ed25519")"), json.npos);
  EXPECT_NE(json.find(R"("alg":"RS256")"), json.npos);
  const auto parsed = parse_jwks(json);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].type(), PublicKey::Type::Ed25519);
  EXPECT_EQ((*parsed)[0].kid(), ed.kid());
  EXPECT_EQ((*parsed)[0].x(), ed.public_raw());
  EXPECT_EQ((*parsed)[1].type(), PublicKey::Type::Rsa);
  EXPECT_EQ((*parsed)[1].n(), rsa.n);
  EXPECT_EQ((*parsed)[1].e(), rsa.e);
}

TEST(JwksTest, SkipsUnsupportedOrInvalidKeys) {
  const SigningKey ed = SigningKey::generate();
  const std::string x = base64url_encode(ed.public_raw());
  const std::string json = R"({"keys":[)"
                           R"({"kty":"EC","crv":"P-256","kid":"ec","x":"AA","y":"AA"},)"
                           R"({"kty":"OKP","crv":"Ed25519","alg":"RS256","kid":"mismatch","x":")" +
                           x +
                           R"("},)"
                           R"({"kty":"OKP","crv":"Ed25519","use":"enc","kid":"enc","x":")" +
                           x +
                           R"("},)"
                           R"({"kty":"OKP","crv":"Ed25519","x":")" +
                           x +
                           R"("},)"
                           R"({"kty":"OKP","crv":"Ed25519","kid":"short","x":"AAAA"},)"
                           R"({"kty":"RSA","kid":"tiny","n":"AQAB","e":"AQAB"},)"
                           R"({"kty":"OKP","crv":"Ed25519","kid":"good","x":")" +
                           x +
                           R"("},)"
                           R"({"kty":"OKP","crv":"Ed25519","kid":"good","x":")" +
                           x +
                           R"("},)"
                           R"("not an object"]})";
  const auto parsed = parse_jwks(json);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].kid(), "good");
}

TEST(JwksTest, RejectsDocumentsWithoutAKeysArray) {
  EXPECT_FALSE(parse_jwks("").has_value());
  EXPECT_FALSE(parse_jwks("{").has_value());
  EXPECT_FALSE(parse_jwks(R"({"keys":{}})").has_value());
  EXPECT_FALSE(parse_jwks("[]").has_value());
  EXPECT_TRUE(parse_jwks(R"({"keys":[]})").has_value());
}

TEST(ExternalCognitoTest, VerifiesRs256TokenThroughHandWrittenJwks) {
  const RsaFixture& rsa = RsaFixture::get();
  const auto keys = parse_jwks(cognito_jwks(rsa, "cognito-kid"));
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 1u);
  JwtVerifier verifier(test_config(), *keys);
  const std::string token =
      rsa.token(R"({"kid":"cognito-kid","alg":"RS256"})", cognito_access_payload());
  const VerifyResult r = verifier.verify(token, "access", kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_EQ(r.claims.sub, "aaaaaaaa-bbbb");
  EXPECT_EQ(r.claims.aud, "painel-web");
  EXPECT_EQ(r.claims.groups, std::vector<std::string>{"TENANT_USER"});
  EXPECT_FALSE(r.claims.tenant_id.has_value());
}

TEST(ExternalCognitoTest, RejectsAlgorithmConfusionAndTamperingOnRsaKid) {
  const RsaFixture& rsa = RsaFixture::get();
  JwtVerifier verifier(test_config(), *parse_jwks(cognito_jwks(rsa, "k")));
  const std::string payload = cognito_access_payload();
  EXPECT_EQ(verifier.verify(rsa.token(R"({"kid":"k","alg":"EdDSA"})", payload), "", kNow).error,
            VerifyError::BadAlgorithm);
  EXPECT_EQ(verifier.verify(rsa.token(R"({"kid":"k","alg":"RS512"})", payload), "", kNow).error,
            VerifyError::BadAlgorithm);
  std::string token = rsa.token(R"({"kid":"k","alg":"RS256"})", payload);
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.verify(token, "", kNow).error, VerifyError::BadSignature);
}

}  // namespace
}  // namespace painel::auth
