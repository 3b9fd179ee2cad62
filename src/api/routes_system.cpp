#include "api/app.hpp"
#include "api/openapi_doc.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace painel::api {

void add_system_routes(App& app) {
  using http::Access;
  app.router.add({"GET", "/healthz", Access::Public, 0, 1 << 20,
                  [](http::RouteContext&) { return json_response("{\"status\":\"ok\"}"); }});
  app.router.add({"GET", "/readyz", Access::Public, 0, 1 << 20, [](http::RouteContext& ctx) {
                    std::string why;
                    if (!ctx.app.store.ready(why)) throw ApiError(503, "Service Unavailable", why);
                    JsonOut j;
                    j.begin_object()
                        .kv("status", "ready")
                        .kv("schema_version", ctx.app.store.schema_version())
                        .end_object();
                    return json_response(j.take());
                  }});
  app.router.add({"GET", "/metrics", Access::Public, 0, 1 << 20, [](http::RouteContext& ctx) {
                    http::Response r;
                    r.content_type = "text/plain; version=0.0.4";
                    r.body = ctx.app.metrics.render();
                    return r;
                  }});
  app.router.add({"GET", "/openapi.json", Access::Public, 0, 1 << 20, [](http::RouteContext&) {
                    http::Response r = json_response(std::string(openapi_document()));
                    r.set_header("Cache-Control", "public, max-age=300");
                    return r;
                  }});
}

}  // namespace painel::api
