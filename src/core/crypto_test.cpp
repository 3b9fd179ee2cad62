#include "core/crypto.hpp"

#include <gtest/gtest.h>

namespace painel {
namespace {

TEST(Base64UrlTest, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");  // the two url-safe characters
}

TEST(Base64UrlTest, RoundTripsEveryLength) {
  for (std::size_t n = 0; n < 70; ++n) {
    const std::string bytes = random_bytes(n);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << n;
  }
}

TEST(Base64UrlTest, DecoderIsStrict) {
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_FALSE(base64url_decode("Zg==").has_value());  // padding
  EXPECT_FALSE(base64url_decode("Zg=").has_value());
  EXPECT_FALSE(base64url_decode("+/+/").has_value());     // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v Yg").has_value());  // whitespace
  EXPECT_FALSE(base64url_decode("Zm9v\n").has_value());
  EXPECT_FALSE(base64url_decode("Z").has_value());  // length % 4 == 1
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());
  EXPECT_FALSE(base64url_decode("Zh").has_value());   // non-zero trailing bits ("Zg" is f)
  EXPECT_FALSE(base64url_decode("Zm-").has_value());  // "Zm8" is canonical
  EXPECT_FALSE(base64url_decode(std::string_view("Zg\0\0", 4)).has_value());
}

TEST(Sha256Test, MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_raw("abc").size(), 32u);
}

TEST(RandomTest, TokensAreUrlSafeAndDistinct) {
  const std::string a = random_token();
  EXPECT_EQ(a.size(), 43u);  // 32 bytes
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a, random_token());
  EXPECT_EQ(random_bytes(0), "");
  EXPECT_EQ(random_bytes(17).size(), 17u);
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(SealTest, RoundTripsAndUsesFreshNonces) {
  const std::string key = derive_master_key("configured secret");
  ASSERT_EQ(key.size(), kMasterKeyBytes);
  EXPECT_EQ(derive_master_key("configured secret"), key);
  EXPECT_NE(derive_master_key("configured secreT"), key);
  const std::string plaintext("signing-key-seed\0with nul", 25);
  const std::string sealed = seal(key, plaintext);
  EXPECT_NE(sealed, seal(key, plaintext));
  EXPECT_EQ(open_sealed(key, sealed), plaintext);
  EXPECT_EQ(open_sealed(key, seal(key, "")), "");
}

TEST(SealTest, DetectsTamperingAndWrongKeys) {
  const std::string key = derive_master_key("k");
  const std::string sealed = seal(key, "the secret");
  std::string raw = *base64url_decode(sealed);
  for (std::size_t i : {std::size_t{0}, std::size_t{30}, raw.size() - 1}) {  // nonce, mac, body
    std::string tampered = raw;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(open_sealed(key, base64url_encode(tampered)).has_value()) << i;
  }
  EXPECT_FALSE(open_sealed(key, base64url_encode(raw.substr(0, raw.size() - 1))).has_value());
  EXPECT_FALSE(open_sealed(key, base64url_encode(raw.substr(0, 39))).has_value());
  EXPECT_FALSE(open_sealed(derive_master_key("other"), sealed).has_value());
  EXPECT_FALSE(open_sealed("short key", sealed).has_value());
  EXPECT_FALSE(open_sealed(key, sealed + "=").has_value());
  EXPECT_THROW(seal("short key", "x"), std::invalid_argument);
}

TEST(CredentialsKeyTest, IsASubkeyApartFromTheOthers) {
  const std::string master = derive_master_key("configured secret");
  const std::string k1 = derive_credentials_key(master);
  ASSERT_EQ(k1.size(), kMasterKeyBytes);
  EXPECT_EQ(derive_credentials_key(master, kCredentialsKeyId), k1);  // deterministic
  EXPECT_NE(derive_credentials_key(master, 2), k1);                  // rotation: another key
  EXPECT_NE(k1, master);
  EXPECT_NE(k1, derive_audit_key(master));
  EXPECT_NE(derive_credentials_key(derive_master_key("other secret")), k1);
  // what one key seals, only that key opens
  const std::string sealed = seal(k1, "{\"token\":\"s3cret\"}");
  EXPECT_EQ(open_sealed(k1, sealed), "{\"token\":\"s3cret\"}");
  EXPECT_FALSE(open_sealed(master, sealed).has_value());
  EXPECT_FALSE(open_sealed(derive_credentials_key(master, 2), sealed).has_value());
  EXPECT_THROW(derive_credentials_key("short"), std::invalid_argument);
  EXPECT_THROW(derive_credentials_key(master, 0), std::invalid_argument);
}

}  // namespace
}  // namespace painel
