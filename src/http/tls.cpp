#include <utility>  // before Boost (see STACK.md)
// clang-format off
#include "http/tls.hpp"
// clang-format on

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <stdexcept>

namespace painel::http {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 list (TLS 1.3 suites are OpenSSL's defaults, all AEAD).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

[[noreturn]] void fail(const std::string& what) {
  std::string why = openssl_reason();
  throw std::runtime_error(what + ": " + why);
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const std::string& cert_file,
                                                      const std::string& key_file) {
  for (const auto* f : {&cert_file, &key_file})
    if (::access(f->c_str(), R_OK) != 0)
      throw std::runtime_error("cannot read " + *f + " (TLS " +
                               (f == &cert_file ? "certificate" : "key") + ")");
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1) fail("TLS 1.2 minimum");
  // Intermediate: the client's order of suites (no SSL_OP_CIPHER_SERVER_PREFERENCE).
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) fail("cipher list");
  SSL_CTX_set_dh_auto(c, 1);  // RFC 7919 groups for the DHE suites
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1)
    fail("TLS certificate " + cert_file + " is not a PEM certificate chain");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(key_file.c_str(), "r"), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!key) fail("TLS key " + key_file + " is not a PEM private key");
  if (SSL_CTX_use_PrivateKey(c, key.get()) != 1 || SSL_CTX_check_private_key(c) != 1)
    fail("TLS key " + key_file + " does not match certificate " + cert_file);
  return ctx;
}

TlsContext::TlsContext(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      ctx_(make_server_tls_context(cert_file_, key_file_)) {}

TlsContext::~TlsContext() = default;

std::shared_ptr<ssl::context> TlsContext::current() const {
  std::lock_guard lk(mu_);
  return ctx_;
}

std::string TlsContext::reload() {
  try {
    auto fresh = make_server_tls_context(cert_file_, key_file_);
    std::lock_guard lk(mu_);
    ctx_ = std::move(fresh);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace painel::http
