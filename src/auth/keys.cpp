#include "auth/keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>
#include <unordered_set>

#include "core/crypto.hpp"

namespace painel::auth {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

constexpr std::size_t kEd25519Bytes = 32;
constexpr std::size_t kEd25519SigBytes = 64;
constexpr int kRsaMinBits = 2048;
constexpr int kRsaMaxBits = 8192;

std::shared_ptr<evp_pkey_st> own(EVP_PKEY* p) {
  return p ? std::shared_ptr<evp_pkey_st>(p, EVP_PKEY_free) : nullptr;
}

const unsigned char* ubytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Failed OpenSSL calls leave entries on the calling thread's error queue; a later,
// unrelated SSL_get_error() on that thread (TLS in the same handler thread) would then
// misreport. Every failure path in this file clears the queue.
template <class T>
T fail(T value) {
  ERR_clear_error();
  return value;
}

std::string_view strip_leading_zeros(std::string_view be) {
  while (be.size() > 1 && be.front() == '\0') be.remove_prefix(1);
  return be;
}

std::optional<std::string_view> string_member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::optional<PublicKey> jwk_to_key(const rapidjson::Value& jwk) {
  if (!jwk.IsObject()) return std::nullopt;
  const auto kid = string_member(jwk, "kid");
  const auto kty = string_member(jwk, "kty");
  if (!kid || kid->empty() || !kty) return std::nullopt;
  if (jwk.HasMember("use") && string_member(jwk, "use") != "sig") return std::nullopt;
  const auto alg = string_member(jwk, "alg");
  const bool has_alg = jwk.HasMember("alg");
  if (*kty == "OKP") {
    if (string_member(jwk, "crv") != "Ed25519") return std::nullopt;
    if (has_alg && alg != "EdDSA") return std::nullopt;
    const auto x = string_member(jwk, "x");
    const auto raw = x ? base64url_decode(*x) : std::nullopt;
    if (!raw) return std::nullopt;
    return PublicKey::from_ed25519(std::string(*kid), *raw);
  }
  if (*kty == "RSA") {
    if (has_alg && alg != "RS256") return std::nullopt;
    const auto n = string_member(jwk, "n");
    const auto e = string_member(jwk, "e");
    const auto n_raw = n ? base64url_decode(*n) : std::nullopt;
    const auto e_raw = e ? base64url_decode(*e) : std::nullopt;
    if (!n_raw || !e_raw) return std::nullopt;
    return PublicKey::from_rsa(std::string(*kid), *n_raw, *e_raw);
  }
  return std::nullopt;
}

}  // namespace

// --- SigningKey ----------------------------------------------------------------------

SigningKey::SigningKey(std::shared_ptr<evp_pkey_st> pkey) : pkey_(std::move(pkey)) {
  std::size_t len = kEd25519Bytes;
  public_raw_.assign(kEd25519Bytes, '\0');
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(public_raw_.data()),
                                  &len) != 1 ||
      len != kEd25519Bytes) {
    throw fail(std::runtime_error("SigningKey: cannot read public key"));
  }
  kid_ = base64url_encode(sha256_raw(public_raw_).substr(0, 12));
}

SigningKey SigningKey::generate() {
  auto pkey = own(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) throw fail(std::runtime_error("SigningKey: Ed25519 key generation failed"));
  return SigningKey(std::move(pkey));
}

std::optional<SigningKey> SigningKey::from_private_raw(std::string_view seed32) {
  if (seed32.size() != kEd25519Bytes) return std::nullopt;
  auto pkey =
      own(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, ubytes(seed32), seed32.size()));
  if (!pkey) return fail(std::nullopt);
  return SigningKey(std::move(pkey));
}

std::string SigningKey::private_raw() const {
  std::string out(kEd25519Bytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_private_key(pkey_.get(), reinterpret_cast<unsigned char*>(out.data()),
                                   &len) != 1 ||
      len != kEd25519Bytes) {
    throw fail(std::runtime_error("SigningKey: cannot read private key"));
  }
  return out;
}

std::string SigningKey::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SigBytes, '\0');
  std::size_t len = sig.size();
  // Ed25519 is "pure": no separate digest, hence the null md and one-shot DigestSign.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, ubytes(message),
                     message.size()) != 1 ||
      len != kEd25519SigBytes) {
    throw fail(std::runtime_error("SigningKey: signing failed"));
  }
  return sig;
}

// --- PublicKey -----------------------------------------------------------------------

PublicKey::PublicKey(Type type, std::string kid, std::shared_ptr<evp_pkey_st> pkey)
    : type_(type), kid_(std::move(kid)), pkey_(std::move(pkey)) {}

PublicKey PublicKey::from_signing_key(const SigningKey& key) {
  // A SigningKey always holds a valid Ed25519 public key, so this cannot be empty.
  return *from_ed25519(key.kid(), key.public_raw());
}

std::optional<PublicKey> PublicKey::from_ed25519(std::string kid, std::string_view x_raw32) {
  if (x_raw32.size() != kEd25519Bytes) return std::nullopt;
  auto pkey =
      own(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, ubytes(x_raw32), x_raw32.size()));
  if (!pkey) return fail(std::nullopt);
  PublicKey key(Type::Ed25519, std::move(kid), std::move(pkey));
  key.x_ = std::string(x_raw32);
  return key;
}

std::optional<PublicKey> PublicKey::from_rsa(std::string kid, std::string_view n,
                                             std::string_view e) {
  n = strip_leading_zeros(n);
  e = strip_leading_zeros(e);
  if (n.empty() || e.empty() || n.size() * 8 > kRsaMaxBits) return std::nullopt;
  BnPtr bn_n(BN_bin2bn(ubytes(n), static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(BN_bin2bn(ubytes(e), static_cast<int>(e.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return fail(std::nullopt);
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return fail(std::nullopt);
  }
  auto pkey = own(raw);
  const int bits = EVP_PKEY_get_bits(pkey.get());
  if (bits < kRsaMinBits || bits > kRsaMaxBits) return std::nullopt;
  // Rejects even moduli, tiny or even exponents and similar junk from a hostile JWKS.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return fail(std::nullopt);
  PublicKey key(Type::Rsa, std::move(kid), std::move(pkey));
  key.n_ = std::string(n);
  key.e_ = std::string(e);
  return key;
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (type_ == Type::Ed25519 && signature.size() != kEd25519SigBytes) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const EVP_MD* md = type_ == Type::Rsa ? EVP_sha256() : nullptr;  // RSA default: PKCS#1 v1.5
  const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey_.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), ubytes(signature), signature.size(), ubytes(message),
                                   message.size()) == 1;
  return ok ? true : fail(false);
}

// --- JWKS ----------------------------------------------------------------------------

std::string jwks_json(const std::vector<PublicKey>& keys) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("keys");
  w.StartArray();
  auto field = [&w](const char* name, std::string_view value) {
    w.Key(name);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  for (const PublicKey& key : keys) {
    w.StartObject();
    if (key.type() == PublicKey::Type::Ed25519) {
      field("kty", "OKP");
      field("crv", "Ed25519");
      field("x", base64url_encode(key.x()));
    } else {
      field("kty", "RSA");
      field("n", base64url_encode(key.n()));
      field("e", base64url_encode(key.e()));
    }
    field("alg", key.alg());
    field("use", "sig");
    field("kid", key.kid());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<std::vector<PublicKey>> parse_jwks(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.data(),
                                                                                    json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto it = doc.FindMember("keys");
  if (it == doc.MemberEnd() || !it->value.IsArray()) return std::nullopt;
  std::vector<PublicKey> keys;
  std::unordered_set<std::string> seen;
  for (const auto& jwk : it->value.GetArray()) {
    std::optional<PublicKey> key = jwk_to_key(jwk);
    // A repeated kid is ambiguous; keeping the first matches what a verifier map would do.
    if (key && seen.insert(key->kid()).second) keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace painel::auth
