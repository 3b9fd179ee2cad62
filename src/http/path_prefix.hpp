#pragma once
// The sub-path Painel is served under when --public-url has one
// (https://painel.example.com/painel → "/painel"): a reverse proxy forwards the path
// unchanged, and the server strips the prefix once, when the request head is parsed
// (server.cpp), so routes, the web UI and body limits all see "/tenant/me", "/app/...".
#include <string>
#include <string_view>

namespace painel::http {

// Where a request path stands against the prefix.
enum class PrefixMatch {
  Inside,   // under the prefix: the path was shortened to what follows it ("/" at least)
  Root,     // /healthz, /readyz or /metrics without the prefix: kept for probes and scrapes
  Outside,  // anything else: the application answers 404
};

// Strips `prefix` ("/painel", no trailing '/'; empty: no prefix, always Inside) from `path`
// in place. "/painel" and "/painel/" become "/"; "/painelx" is Outside.
PrefixMatch strip_path_prefix(std::string_view prefix, std::string& path);

}  // namespace painel::http
