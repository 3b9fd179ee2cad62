// What the bounded parse costs on the ingest path: a 1 000-event batch parsed in place by
// parse_ingest_document (iterative, counting events and values) against RapidJSON's plain
// recursive in-place parse; and inflating the same batch gzipped.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <string>

#include "api/ingest_body.hpp"

namespace painel::api {
namespace {

std::string batch(int n) {
  std::string s = "{\"events\":[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    s += "{\"event_id\":\"0190a1b2-c3d4-7e5f-8a9b-" + std::to_string(100000000000 + i) +
         "\",\"tenant_id\":\"8f0c2d3e-6d0b-4b8e-9a57-2f7e3c1d9a10\",\"agent_id\":"
         "\"1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d\",\"occurred_at\":\"2026-12-04T10:11:12.345Z\","
         "\"status\":\"success\",\"response_time_ms\":321,\"tokens_used\":1234,\"cost\":0.57}";
  }
  return s + "]}";
}

void BM_ParseBounded(benchmark::State& state) {
  const std::string text = batch(1000);
  for (auto _ : state) {
    std::string body = text;
    rapidjson::Document d;
    parse_ingest_document(body, d);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseBounded);

void BM_ParseInsituRecursive(benchmark::State& state) {
  const std::string text = batch(1000);
  for (auto _ : state) {
    std::string body = text;
    rapidjson::Document d;
    d.ParseInsitu(body.data());
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseInsituRecursive);

void BM_Gunzip(benchmark::State& state) {
  const std::string text = batch(1000);
  uLongf n = compressBound(static_cast<uLong>(text.size())) + 32;
  std::string z(n, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(z.data());
  zs.avail_out = static_cast<uInt>(z.size());
  deflate(&zs, Z_FINISH);
  z.resize(zs.total_out);
  deflateEnd(&zs);
  for (auto _ : state) benchmark::DoNotOptimize(gunzip_limited(z, kIngestMaxBodyBytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Gunzip);

}  // namespace
}  // namespace painel::api
