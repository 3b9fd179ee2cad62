#include "domain/response_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <random>

#include "core/crypto.hpp"

using painel::domain::ResponseSketch;

namespace {

// The exact nearest-rank value at rank ceil(q n).
int64_t exact(std::vector<int64_t> v, int64_t rank) {
  std::nth_element(v.begin(), v.begin() + (rank - 1), v.end());
  return v[static_cast<size_t>(rank - 1)];
}

// The stated bound: within 1 % of the exact value, then rounded to whole ms.
void expect_within(int64_t estimate, int64_t truth) {
  EXPECT_LE(std::llabs(estimate - truth), static_cast<int64_t>(0.01 * truth + 0.5))
      << "estimate " << estimate << " exact " << truth;
}

TEST(ResponseSketch, QuantilesWithinOnePercentOnSkewedData) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::lognormal_distribution<double> dist(5.0 + round * 0.2, 1.0 + round * 0.05);
    std::vector<int64_t> v;
    ResponseSketch s;
    int n = 1 + static_cast<int>(rng() % 5000);
    for (int i = 0; i < n; ++i) {
      auto x = static_cast<int64_t>(dist(rng));
      if (rng() % 50 == 0) x = 0;
      v.push_back(x);
      s.add(x);
    }
    ASSERT_EQ(s.count(), n);
    auto nn = static_cast<int64_t>(n);
    expect_within(s.p95(), exact(v, (19 * nn + 19) / 20));
    for (double q : {0.5, 0.9, 0.99, 1.0})
      expect_within(s.quantile(q),
                    exact(v, std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * n)))));
  }
}

TEST(ResponseSketch, EveryBucketHoldsValuesWithinTheError) {
  // The tabulated indexes (below 65 536 ms) and the computed ones agree with the bucket
  // bounds: v in (gamma^(i-1), gamma^i], so the estimate is within 1 % of v.
  for (int64_t v = 1; v < 200000; v += (v < 70000 ? 1 : 97)) {
    double e = ResponseSketch::estimate_of(ResponseSketch::index_of(v));
    ASSERT_LE(std::fabs(e - static_cast<double>(v)), 0.01 * static_cast<double>(v) + 1e-9) << v;
  }
  EXPECT_EQ(ResponseSketch::index_of(0), ResponseSketch::index_of(1));
}

TEST(ResponseSketch, SmallValuesAndTiesAreExact) {
  ResponseSketch s;
  for (int64_t v = 1; v <= 20; ++v) s.add(v);
  EXPECT_EQ(s.p95(), 19);
  ResponseSketch z;
  EXPECT_EQ(z.p95(), 0);  // empty
  z.add(0, 19);
  z.add(-5);  // below 1 ms counts as 0
  EXPECT_EQ(z.p95(), 0);
  z.add(40, 2);
  EXPECT_EQ(z.count(), 22);
  EXPECT_EQ(z.p95(), 40);  // rank 21 of 22
}

TEST(ResponseSketch, MergeOfPartsEqualsSketchOfWhole) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 10; ++round) {
    ResponseSketch whole, merged, part;
    for (int i = 0; i < 3000; ++i) {
      int64_t x = static_cast<int64_t>(rng() % (round % 2 ? 100000 : 700)) - 3;
      whole.add(x);
      part.add(x);
      if (rng() % 97 == 0) {  // parts of random sizes, merged as they close
        merged.merge(part);
        part = ResponseSketch{};
      }
    }
    merged.merge(part);
    EXPECT_EQ(merged, whole);
    EXPECT_EQ(merged.encode(), whole.encode());
    EXPECT_EQ(merged.p95(), whole.p95());
  }
}

TEST(ResponseSketch, EncodingRoundTripsAndIsBounded) {
  ResponseSketch s;
  s.add(0, 3);
  for (int64_t v : {1, 2, 250, 251, 5000, 120000}) s.add(v, v % 7 + 1);
  auto again = ResponseSketch::decode(s.encode());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, s);
  EXPECT_EQ(again->count(), s.count());
  EXPECT_EQ(ResponseSketch::decode(ResponseSketch{}.encode())->count(), 0);

  // Every value the clamp allows, each with a huge count: the widest possible sketch.
  ResponseSketch wide;
  for (int64_t v = 1; v < INT32_MAX; v = v * 101 / 100 + 1) wide.add(v, INT64_MAX / 4096);
  wide.add(INT64_MAX);  // clamped to 2^31 - 1
  std::string text = wide.encode();
  EXPECT_LT(text.size(), 16000u);
  auto w = ResponseSketch::decode(text);
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, wide);
  expect_within(wide.quantile(1.0), INT32_MAX);
}

TEST(ResponseSketch, CollapsesLowestBucketsAndStaysMergeable) {
  // Bucket indexes 0 (1 ms) to ~1075 (2^31 ms) span more than kMaxBuckets: the lowest
  // ones fold into the lowest kept bucket, whatever order the values came in.
  ResponseSketch a, b, whole;
  for (int64_t v : {1, 2, 3, 1000}) {
    a.add(v);
    whole.add(v);
  }
  for (int64_t v : {INT32_MAX, 1000000}) {
    b.add(v);
    whole.add(v);
  }
  ResponseSketch ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  EXPECT_EQ(ab, whole);
  EXPECT_EQ(ba, whole);
  EXPECT_EQ(whole.count(), 6);
  expect_within(whole.quantile(1.0), INT32_MAX);
  expect_within(whole.p95(), INT32_MAX);  // rank 6 of 6
}

// Parts whose ranges overlap, nest or lie apart, some wider than kMaxBuckets together,
// merged in a random order (and through decode, as the fold reads them): the merge widens
// once and collapses once, which must equal adding every value to one sketch.
TEST(ResponseSketch, RandomMergesAcrossTheCollapseEqualTheWhole) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<ResponseSketch> parts(1 + rng() % 6);
    ResponseSketch whole;
    for (auto& part : parts) {
      // Each part draws from its own band of magnitudes (0 ms to 2^31 ms).
      int lo = static_cast<int>(rng() % 31), hi = lo + 1 + static_cast<int>(rng() % (32 - lo));
      for (int i = static_cast<int>(rng() % 40); i > 0; --i) {
        int bits = lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo));
        int64_t v = static_cast<int64_t>(rng() % (uint64_t{1} << bits)) - 1;
        int64_t n = 1 + static_cast<int64_t>(rng() % 3);
        part.add(v, n);
        whole.add(v, n);
      }
    }
    std::shuffle(parts.begin(), parts.end(), rng);
    ResponseSketch merged;
    for (auto& part : parts) {
      if (rng() % 2) {
        merged.merge(part);
      } else {  // the stored side is the decoded one
        auto stored = ResponseSketch::decode(merged.encode());
        ASSERT_TRUE(stored);
        stored->merge(part);
        merged = *stored;
      }
    }
    ASSERT_EQ(merged, whole) << "round " << round;
    ASSERT_EQ(merged.count(), whole.count());
    ASSERT_EQ(merged.p95(), whole.p95());
  }
}

// The fold's one-pass merge of a stored text (merge_into_text) writes exactly what decode,
// merge and encode would, and the same p95; it declines what it does not handle (a merge
// that collapses, a version-1 text) and refuses what decode refuses.
TEST(ResponseSketch, MergeIntoTextEqualsDecodeMergeEncode) {
  std::mt19937_64 rng(23);
  auto random_sketch = [&](int max_bits, int max_values) {
    ResponseSketch s;
    int lo = static_cast<int>(rng() % static_cast<uint64_t>(max_bits));
    int hi = lo + 1 + static_cast<int>(rng() % static_cast<uint64_t>(max_bits + 1 - lo));
    for (int i = static_cast<int>(rng() % static_cast<uint64_t>(max_values + 1)); i > 0; --i) {
      int bits = lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo));
      s.add(static_cast<int64_t>(rng() % (uint64_t{1} << bits)) - 1,
            1 + static_cast<int64_t>(rng() % 40));
    }
    return s;
  };
  std::string out = "left over";
  for (int round = 0; round < 2000; ++round) {
    // Values below 2^20 ms span < kMaxBuckets indexes: these merges never collapse.
    const ResponseSketch stored = random_sketch(20, round % 7 == 0 ? 400 : 40);
    const ResponseSketch fresh = random_sketch(20, round % 5 == 0 ? 0 : 4);
    ResponseSketch expected = stored;
    expected.merge(fresh);
    auto m = fresh.merge_into_text(stored.encode(), out);
    ASSERT_TRUE(m) << "round " << round;
    ASSERT_EQ(out, expected.encode()) << "round " << round;
    ASSERT_EQ(m->p95, expected.p95()) << "round " << round;
    ASSERT_EQ(m->stored_count, stored.count()) << "round " << round;
  }
  // A merge across more than kMaxBuckets indexes collapses: declined.
  ResponseSketch low, high;
  low.add(1);
  high.add(INT32_MAX);
  EXPECT_FALSE(high.merge_into_text(low.encode(), out));
  EXPECT_FALSE(low.merge_into_text(high.encode(), out));
  // Texts decode refuses, and version 1 (decoded the long way by the fold).
  for (const char* bad : {"", "2", "2A", "2AAA", "2AB", "2ABF", "2ABFA", "2A!", "2gA",
                          "2DBFC=", "2DBF", "2ABg", "2ABFgA", "2DB!CC", "AQAB"})
    EXPECT_FALSE(low.merge_into_text(bad, out)) << bad;
  EXPECT_FALSE(low.merge_into_text("2" + std::string(12, '_') + "Q" + "A", out));
  ResponseSketch ms;
  ms.add(1000);
  auto m = ms.merge_into_text("2DBFC", out);  // zero 3, one bucket at 5 with count 2
  ASSERT_TRUE(m);
  ResponseSketch expected = *ResponseSketch::decode("2DBFC");
  expected.merge(ms);
  EXPECT_EQ(out, expected.encode());
  EXPECT_EQ(m->stored_count, 5);
  EXPECT_EQ(m->p95, expected.p95());
}

// Version 1 (base64url of byte varints) was written before version 2: rows not folded since
// still hold it, and it must decode to the same sketch.
TEST(ResponseSketch, DecodesVersionOneTexts) {
  ResponseSketch expected;
  expected.add(0, 3);
  expected.add(100, 2);
  expected.add(1000, 300);
  // Version 1 by hand: byte 1, zero, n, then gap and count per bucket as byte varints.
  std::string bytes("\x01\x03\x02", 3);
  auto varint = [&](uint64_t v) {
    for (; v >= 0x80; v >>= 7) bytes.push_back(static_cast<char>((v & 0x7f) | 0x80));
    bytes.push_back(static_cast<char>(v));
  };
  const int32_t a = ResponseSketch::index_of(100), b = ResponseSketch::index_of(1000);
  varint(static_cast<uint64_t>(a));
  varint(2);
  varint(static_cast<uint64_t>(b - a - 1));
  varint(300);
  const std::string v1 = painel::base64url_encode(bytes);
  ASSERT_EQ(v1[0], 'A');
  auto s = ResponseSketch::decode(v1);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->count(), 305);
  EXPECT_EQ(*s, expected);
  EXPECT_EQ(s->encode()[0], '2');  // written back as version 2
  EXPECT_EQ(ResponseSketch::decode(s->encode()), s);
  // Strict as before: a trailing byte, a redundant zero byte.
  EXPECT_FALSE(
      ResponseSketch::decode(painel::base64url_encode(std::string("\x01\x00\x00\x00", 4))));
  EXPECT_FALSE(
      ResponseSketch::decode(painel::base64url_encode(std::string("\x01\x80\x00\x00", 4))));
}

TEST(ResponseSketch, DecodeRejectsWhatEncodeNeverWrites) {
  for (const char* bad : {"", "!!!!", "AA", "Ag", "AQAB", "AQABAAA", "AgAA", "AQAB_39_fw"})
    EXPECT_FALSE(ResponseSketch::decode(bad)) << bad;
  // Version 2: '2', zero, n, then gap and count per bucket, 5 bits per digit (32: more).
  EXPECT_TRUE(ResponseSketch::decode("2AA"));    // empty
  EXPECT_TRUE(ResponseSketch::decode("2DBFC"));  // zero 3, one bucket at 5 with count 2
  for (const char* bad : {"2", "2A", "2AAA", "2AB", "2ABF", "2ABFA", "2A!", "2gA", "2AgA",
                          "2DBFC=", "2DBF", "2ABg", "3AA", "2 AA", "2ABFgA", "2DB!CC", "2DB=CC"})
    EXPECT_FALSE(ResponseSketch::decode(bad)) << bad;
  // Overflow: thirteen digits carry 65 bits; the last may hold 4 only.
  EXPECT_FALSE(ResponseSketch::decode("2" + std::string(12, '_') + "Q" + "A"));
  EXPECT_FALSE(ResponseSketch::decode("2" + std::string(13, '_') + "BA"));
  EXPECT_TRUE(ResponseSketch::decode("2" + std::string(12, '_') + "H" + "A"));  // INT64_MAX zeros
  EXPECT_FALSE(ResponseSketch::decode(std::string(20000, 'A')));
  // Trailing bytes after a valid sketch.
  ResponseSketch s;
  s.add(10);
  std::string ok = s.encode();
  EXPECT_TRUE(ResponseSketch::decode(ok));
  EXPECT_FALSE(ResponseSketch::decode(ok + "AA"));
}

}  // namespace
