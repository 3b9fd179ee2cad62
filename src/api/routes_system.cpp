#include "api/app.hpp"
#include "api/metrics_endpoint.hpp"
#include "api/openapi_doc.hpp"
#include "api/routes.hpp"
#include "core/build_info.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::api {

void add_system_routes(http::Router& router, const SystemDeps& d) {
  using http::Access;
  constexpr http::RouteFlags kInline{.may_inline = true};
  router.add({"GET", "/healthz", Access::Public, 0, 1 << 20, kInline, [](http::RouteContext&) {
                // What is running, for a deploy check: the same fields as `painel version`.
                static const std::string body = [] {
                  JsonOut j;
                  j.begin_object().kv("status", "ok");
                  write_build_info(j);
                  j.end_object();
                  return j.take();
                }();
                return json_response(body);
              }});
  router.add({"GET", "/readyz", Access::Public, 0, 1 << 20, {}, [d](http::RouteContext&) {
                std::string why;
                if (!d.store.ready(why)) throw ApiError(503, "Service Unavailable", why);
                JsonOut j;
                j.begin_object()
                    .kv("status", "ready")
                    .kv("schema_version", d.store.schema_version())
                    .end_object();
                return json_response(j.take());
              }});
  // Not inline: a scrape reads /proc/self (process_*). With --metrics-listen the metrics are
  // only there; with --metrics-token only for that bearer token (checked by the handler:
  // it is not a user's token).
  router.add({"GET", "/metrics", Access::Public, 0, 1 << 20, {}, [d](http::RouteContext& ctx) {
                if (!d.config.metrics_listen.empty())
                  throw not_found("/metrics is served on the --metrics-listen address");
                return metrics_exposition(ctx.req, d.metrics, d.config.metrics_token);
              }});
  router.add({"GET", "/openapi.json", Access::Public, 0, 1 << 20, kInline, [](http::RouteContext&) {
                http::Response r = json_response(std::string(openapi_document()));
                r.set_header("Cache-Control", "public, max-age=300");
                return r;
              }});
}

}  // namespace painel::api
