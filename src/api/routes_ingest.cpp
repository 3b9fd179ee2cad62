// POST /ingest/usage — raw usage events from the agents' runtime (an ingest API key).
// A batch is validated whole; one bad event rejects it, naming the event and field.
#include <cmath>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "api/app.hpp"
#include "api/ingest_batch.hpp"
#include "api/ingest_body.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "obs/metrics.hpp"
#include "store/usage_ingest.hpp"

namespace painel::api {
namespace {

// A scoped key writes its own tenant's events only; the first other tenant is named.
void check_key_scope(const std::vector<store::UsageEvent>& events, const auth::IngestKey& key) {
  if (!key.tenant_id) return;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].tenant_id != *key.tenant_id)
      throw forbidden("events[" + std::to_string(i) +
                      "].tenant_id: this ingest key may only write events of tenant " +
                      *key.tenant_id);
}

http::Response ingest_usage(const IngestDeps& d, http::RouteContext& ctx,
                            store::IngestWriter& writer) {
  require_json(ctx.req);
  if (auto enc = ctx.req.header("content-encoding")) {
    if (*enc == "gzip")  // the compressed body is freed as soon as it is inflated
      ctx.req.body = gunzip_limited(ctx.req.body, kIngestMaxBodyBytes);
    else if (*enc != "identity")
      throw ApiError(415, "Unsupported Media Type", "Content-Encoding must be gzip or identity");
  }
  int64_t now = d.clock.now_ms();
  TimeBounds when{now, now - int64_t{d.config.ingest_max_age_days} * 86'400'000};
  rapidjson::Document doc;
  auto events = parse_batch(ctx.req.body, doc, when);
  if (!ctx.ingest_key) throw unauthorized("a valid ingest API key is required");  // set by App
  const auth::IngestKey& key = *ctx.ingest_key;
  check_key_scope(events, key);
  store::IngestSource source{key.id, key.tenant_id, ctx.req.request_id, ctx.req.remote_ip};
  auto out = writer.submit(events, now, &source);
  if (auto& ref = out.rejected; ref.index >= 0)
    throw bad_request("events[" + std::to_string(ref.index) + "]." + ref.field + ": " + ref.detail);
  auto& res = out.result;
  d.metrics.inc("painel_usage_events_ingested_total", "", static_cast<uint64_t>(res.accepted));
  d.metrics.inc("painel_usage_events_duplicate_total", "", static_cast<uint64_t>(res.duplicates));
  JsonOut j;
  j.begin_object().kv("accepted", res.accepted).kv("duplicates", res.duplicates).end_object();
  return json_response(j.take(), 202);
}

}  // namespace

void add_ingest_routes(http::Router& router, const IngestDeps& d) {
  // One writer per application: concurrent batches share transactions (group commit).
  auto writer = std::make_shared<store::IngestWriter>(d.store);
  router.add({"POST",
              "/ingest/usage",
              http::Access::IngestKey,
              0,
              kIngestMaxBodyBytes,
              {},
              [d, writer](http::RouteContext& ctx) { return ingest_usage(d, ctx, *writer); }});
}

}  // namespace painel::api
