// POST /ingest/usage — raw usage events from the agents' runtime (an ingest API key).
// A batch is validated whole; one bad event rejects it, naming the event and field.
#include <zlib.h>

#include <cmath>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "api/app.hpp"
#include "api/ingest_batch.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "store/usage_ingest.hpp"

namespace painel::api {
namespace {

constexpr size_t kMaxInflated = 64u << 20;

std::string gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw bad_request("cannot decompress body");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw bad_request("request body is not valid gzip");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > kMaxInflated) {
      inflateEnd(&zs);
      throw ApiError(413, "Content Too Large", "decompressed body too large");
    }
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

}  // namespace

void add_ingest_routes(App& app) {
  // One writer per application: concurrent batches share transactions (group commit).
  auto writer = std::make_shared<store::IngestWriter>(app.store);
  app.router.add({"POST", "/ingest/usage", http::Access::IngestKey, 0, 10u << 20,
                  [writer](http::RouteContext& ctx) {
                    auto ct = ctx.req.header("content-type");
                    if (!ct || ct->find("application/json") == std::string_view::npos)
                      throw ApiError(415, "Unsupported Media Type",
                                     "send Content-Type: application/json");
                    std::string inflated;
                    std::string* body = &ctx.req.body;
                    if (auto enc = ctx.req.header("content-encoding")) {
                      if (*enc == "gzip") {
                        inflated = gunzip(ctx.req.body);
                        body = &inflated;
                      } else if (*enc != "identity") {
                        throw ApiError(415, "Unsupported Media Type",
                                       "Content-Encoding must be gzip or identity");
                      }
                    }
                    int64_t now = ctx.app.clock.now_ms();
                    rapidjson::Document doc;
                    auto events = parse_batch(*body, doc, now);
                    auto out = writer->submit(events, now);
                    if (auto& ref = out.rejected; ref.index >= 0)
                      throw bad_request("events[" + std::to_string(ref.index) + "]." + ref.field +
                                        ": " + ref.detail);
                    auto& res = out.result;
                    ctx.app.metrics.inc("painel_usage_events_ingested_total", "",
                                        static_cast<uint64_t>(res.accepted));
                    ctx.app.metrics.inc("painel_usage_events_duplicate_total", "",
                                        static_cast<uint64_t>(res.duplicates));
                    JsonOut j;
                    j.begin_object()
                        .kv("accepted", res.accepted)
                        .kv("duplicates", res.duplicates)
                        .end_object();
                    return json_response(j.take(), 202);
                  }});
}

}  // namespace painel::api
