// The incremental fold's per-row sketch work (store/usage_aggregate.cpp, fold_one_day):
// a stored day row's sketch decoded, a few new events' sketch merged into it, the result
// encoded again. The stored sketch is a busy row's: ~3 200 response times of 80–3 080 ms
// (bench/aggregate_incremental.sh's day: 10 M events over 3 127 rows), ~180 buckets.
#include <benchmark/benchmark.h>

#include <random>

#include "domain/response_sketch.hpp"

namespace painel::domain {
namespace {

ResponseSketch busy_row() {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> rt(80, 3080);
  ResponseSketch s;
  for (int i = 0; i < 3200; ++i) s.add(rt(rng));
  return s;
}

ResponseSketch few_new_events() {
  ResponseSketch s;
  s.add(120);
  s.add(950);
  s.add(2700);
  return s;
}

void BM_SketchDecode(benchmark::State& state) {
  const std::string text = busy_row().encode();
  for (auto _ : state) {
    auto s = ResponseSketch::decode(text);
    if (!s) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SketchDecode);

void BM_SketchEncode(benchmark::State& state) {
  const ResponseSketch s = busy_row();
  for (auto _ : state) benchmark::DoNotOptimize(s.encode());
}
BENCHMARK(BM_SketchEncode);

void BM_SketchMergeFew(benchmark::State& state) {
  const ResponseSketch stored = busy_row(), fresh = few_new_events();
  for (auto _ : state) {
    state.PauseTiming();
    ResponseSketch s = stored;
    state.ResumeTiming();
    s.merge(fresh);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SketchMergeFew);

// What the fold did per stored row it adds to, before merge_into_text.
void BM_SketchFoldRow(benchmark::State& state) {
  const std::string text = busy_row().encode();
  const ResponseSketch fresh = few_new_events();
  for (auto _ : state) {
    auto s = ResponseSketch::decode(text);
    s->merge(fresh);
    benchmark::DoNotOptimize(s->p95());
    benchmark::DoNotOptimize(s->encode());
  }
}
BENCHMARK(BM_SketchFoldRow);

// The same in one pass over the stored text (merge_into_text), as the fold now does.
void BM_SketchFoldRowInText(benchmark::State& state) {
  const std::string text = busy_row().encode();
  const ResponseSketch fresh = few_new_events();
  std::string out;
  for (auto _ : state) {
    auto m = fresh.merge_into_text(text, out);
    if (!m) state.SkipWithError("merge_into_text failed");
    benchmark::DoNotOptimize(m);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_SketchFoldRowInText);

}  // namespace
}  // namespace painel::domain
