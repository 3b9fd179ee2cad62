#include "http/path_prefix.hpp"

namespace painel::http {

PrefixMatch strip_path_prefix(std::string_view prefix, std::string& path) {
  if (prefix.empty()) return PrefixMatch::Inside;
  std::string_view p(path);
  if (p.substr(0, prefix.size()) == prefix &&
      (p.size() == prefix.size() || p[prefix.size()] == '/')) {
    std::string rest = path.substr(prefix.size());
    path = rest.empty() ? std::string("/") : std::move(rest);
    return PrefixMatch::Inside;
  }
  // Health checks and Prometheus scrapes are configured without the prefix.
  if (p == "/healthz" || p == "/readyz" || p == "/metrics") return PrefixMatch::Root;
  return PrefixMatch::Outside;
}

}  // namespace painel::http
