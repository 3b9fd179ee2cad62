#include "http/router.hpp"

namespace painel::http {
namespace {
std::vector<std::string_view> split(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 1;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}
}  // namespace

void Router::add(Route r) {
  for (auto s : split(r.pattern)) r.segments.emplace_back(s);
  r.index = routes_.size();
  routes_.push_back(std::move(r));
}

Router::Match Router::match(std::string_view method, std::string_view path, Fields& params) const {
  Match m;
  auto segs = split(path);
  for (auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    Fields found;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& ps = r.segments[i];
      if (ps.size() > 2 && ps.front() == '{' && ps.back() == '}') {
        if (segs[i].empty())
          ok = false;
        else
          found.emplace_back(ps.substr(1, ps.size() - 2), std::string(segs[i]));
      } else if (ps == "*") {
        // wildcard segment (static files)
      } else if (ps != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      m.path_exists = true;
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += r.method;
      if (r.method == "GET") m.allow += ", HEAD";
      continue;
    }
    params = std::move(found);
    m.route = &r;
    return m;
  }
  return m;
}

}  // namespace painel::http
