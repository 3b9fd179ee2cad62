// `painel smoke --url URL`: the seed's post-deploy smoke tests against a running
// instance — liveness, readiness, public documents and (with credentials) a login and an
// authenticated read. Prints one line per check; exit 1 if any fails. https:// URLs are
// checked as a browser would: the chain must lead to a trusted CA (--cacert, or the
// system's), be in date and name the URL's host; otherwise one line says why, exit 1.
#include <utility>  // before Boost (see STACK.md)
// clang-format off
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/subcommands.hpp"
#include "core/json.hpp"

namespace painel::cli {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;

namespace ssl = boost::asio::ssl;

struct Target {
  std::string host, port;
  std::shared_ptr<ssl::context> tls;  // https:// only
};

Target parse_url(const std::string& url) {
  bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0)
    throw UsageError("--url must start with http:// or https://");
  std::string rest = url.substr(https ? 8 : 7);
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) throw UsageError("--url has no host");
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || rest.back() == ']') return {rest, https ? "443" : "80", {}};
  return {rest.substr(0, colon), rest.substr(colon + 1), {}};
}

// Verifies the peer against --cacert (or the system's trust store when empty).
std::shared_ptr<ssl::context> client_tls(const std::string& cacert) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (cacert.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(cacert, ec);
  if (ec) throw UsageError("cannot load CA certificates " + cacert + ": " + ec.message());
  return ctx;
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// The handshake, with the certificate's verdict in words ("certificate has expired").
void handshake(tls_stream& stream, const std::string& host) {
  std::string name = host;
  if (name.size() > 2 && name.front() == '[') name = name.substr(1, name.size() - 2);
  beast::error_code ec;
  bool is_ip = !boost::asio::ip::make_address(name, ec).is_unspecified() && !ec;
  if (!is_ip) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());  // SNI: names
  X509_VERIFY_PARAM* param = SSL_get0_param(stream.native_handle());
  if (is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1
            : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0) != 1)
    throw std::runtime_error("cannot check the certificate against " + name);
  stream.handshake(ssl::stream_base::client, ec);
  if (!ec) return;
  long verdict = SSL_get_verify_result(stream.native_handle());
  if (verdict != X509_V_OK)
    throw std::runtime_error("TLS: certificate of " + host +
                             " refused: " + X509_verify_cert_error_string(verdict));
  throw std::runtime_error("TLS handshake with " + host + " failed: " + ec.message());
}

template <class Stream>
std::pair<int, std::string> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req) {
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buf, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

struct Reply {
  int status = 0;
  std::string body;
};

Reply call(const Target& t, const std::string& method, const std::string& path,
           const std::string& body, const std::string& token) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(resolver.resolve(t.host, t.port));
  bhttp::request<bhttp::string_body> req{method == "POST" ? bhttp::verb::post : bhttp::verb::get,
                                         path, 11};
  req.set(bhttp::field::host, t.host);
  req.set(bhttp::field::user_agent, "painel-smoke");
  if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::error_code ec;
  if (t.tls) {
    tls_stream s(std::move(stream), *t.tls);
    handshake(s, t.host);
    auto [status, answer] = exchange(s, req);
    s.shutdown(ec);
    return {status, std::move(answer)};
  }
  auto [status, answer] = exchange(stream, req);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {status, std::move(answer)};
}

}  // namespace

int cmd_smoke(const std::string& url, const std::string& email, const std::string& password,
              const std::string& cacert) {
  Target t = parse_url(url);
  if (url.rfind("https://", 0) == 0) t.tls = client_tls(cacert);
  if (!cacert.empty() && !t.tls) throw UsageError("--cacert is for https:// URLs");
  if (t.tls) {
    // Once, before the checks: an untrusted, expired or misnamed certificate is one line.
    try {
      call(t, "GET", "/healthz", "", "");
    } catch (const std::exception& e) {
      std::cout << "FAIL " << e.what() << "\nsmoke: FAILED (TLS)\n";
      return 1;
    }
  }
  int failed = 0;
  auto check = [&](const std::string& name, const std::function<bool(std::string&)>& fn) {
    std::string why;
    bool ok = false;
    auto t0 = std::chrono::steady_clock::now();
    try {
      ok = fn(why);
    } catch (const std::exception& e) {
      why = e.what();
    }
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::cout << (ok ? "PASS " : "FAIL ") << name << " (" << ms << " ms)"
              << (why.empty() ? "" : ": " + why) << "\n";
    if (!ok) ++failed;
  };
  auto expect = [&](const std::string& path, int status) {
    return [&, path, status](std::string& why) {
      auto r = call(t, "GET", path, "", "");
      if (r.status != status) why = "HTTP " + std::to_string(r.status);
      return r.status == status;
    };
  };
  check("GET /healthz", expect("/healthz", 200));
  check("GET /readyz (store reachable, schema current)", expect("/readyz", 200));
  check("GET /.well-known/jwks.json", expect("/.well-known/jwks.json", 200));
  check("GET /tenant/me without a token is 401", expect("/tenant/me", 401));
  if (!email.empty()) {
    std::string token;
    check("POST /auth/login", [&](std::string& why) {
      JsonOut j;
      j.begin_object().kv("email", email).kv("password", password).end_object();
      auto r = call(t, "POST", "/auth/login", std::string(j.view()), "");
      rapidjson::Document d;
      d.Parse(r.body.c_str());
      if (r.status != 200 || d.HasParseError() || !d.IsObject() || !d.HasMember("access_token")) {
        why = "HTTP " + std::to_string(r.status);
        return false;
      }
      token = d["access_token"].GetString();
      return true;
    });
    check("GET /auth/me with the token", [&](std::string& why) {
      auto r = call(t, "GET", "/auth/me", "", token);
      if (r.status != 200) why = "HTTP " + std::to_string(r.status);
      return r.status == 200;
    });
  }
  std::cout << (failed ? "smoke: FAILED (" + std::to_string(failed) + ")"
                       : std::string("smoke: all checks passed"))
            << "\n";
  return failed ? 1 : 0;
}

}  // namespace painel::cli
