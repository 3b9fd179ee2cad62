#pragma once
// Route table: method + path pattern ("/internal/tenants/{id}") → handler and policy.
// Matching is by literal segments and {param} placeholders; the table is built once at
// start-up and read concurrently without locks.
#include <functional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace painel::http {

struct RouteContext;  // defined by the application (api/context.hpp)
using Handler = std::function<Response(RouteContext&)>;

enum class Access {
  Public,     // no token (login, health, openapi, static files)
  IngestKey,  // an ingest API key
  User,       // a user token; `groups` says which
};

// How the chain treats a route's request and answer, so handlers don't repeat it.
enum class CacheScope {
  None,         // not cached
  Tenant,       // cached per tenant (the key's tag is the tenant the answer belongs to)
  CrossTenant,  // cached for every tenant at once (tag "*", staff reads)
};
struct RouteFlags {
  // The body is a JSON object: the chain refuses another Content-Type (415) and parses it
  // once within core/json's limits (400), handing the document to the handler.
  bool json_body = false;
  CacheScope cache = CacheScope::None;
  // A GET/HEAD the network thread may answer itself: a public route that needs nothing
  // slow, or a cached read whose key is known without the store (a cache hit). Anything
  // else goes to the handler pool.
  bool may_inline = false;
};

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::User;
  unsigned groups = 0;          // bitmask of auth::Group allowed (when access == User)
  size_t body_limit = 1 << 20;  // bytes
  RouteFlags flags;
  Handler handler;
  std::vector<std::string> segments;  // split pattern, filled by Router::add
  size_t index = 0;                   // position in the table (metrics slot)
};

class Router {
 public:
  void add(Route r);
  struct Match {
    const Route* route = nullptr;
    bool path_exists = false;  // some route has this path with another method → 405
    std::string allow;         // then: the methods it has, for the Allow header
  };
  Match match(std::string_view method, std::string_view path, Fields& params) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace painel::http
