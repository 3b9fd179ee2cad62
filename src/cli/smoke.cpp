// `painel smoke --url URL`: the seed's post-deploy smoke tests against a running
// instance — liveness, readiness, public documents and (with credentials) a login and an
// authenticated read. Prints one line per check; exit 1 if any fails.
#include <utility>  // before Boost (see STACK.md)
// clang-format off
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <iostream>

#include "cli/subcommands.hpp"
#include "core/json.hpp"

namespace painel::cli {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;

struct Target {
  std::string host, port;
};

Target parse_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0)
    throw UsageError("--url must start with http:// (put TLS in front, test behind it)");
  std::string rest = url.substr(7);
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "80"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
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
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buf, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace

int cmd_smoke(const std::string& url, const std::string& email, const std::string& password) {
  Target t = parse_url(url);
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
