#pragma once
// A mergeable quantile sketch of response times (DDSketch, Masson et al., VLDB 2019), so a
// daily row's p95 can be kept up to date by folding only new events into it.
//
// Values v >= 1 fall into bucket i = ceil(log_gamma(v)), gamma = (1 + a) / (1 - a), which
// covers (gamma^(i-1), gamma^i]; a bucket's estimate 2 gamma^i / (gamma + 1) is within a
// relative error a = kRelativeError (1 %) of every value in it. Values below 1 (0 ms) count
// in a separate zero bucket, estimated as 0. Counts are exact, so merging two sketches
// (adding their buckets) gives exactly the sketch of the union, in any order and grouping:
// partial folds of a day merge into the same sketch as one fold of the whole day.
//
// Bounded: values are clamped to [0, 2^31 - 1] ms (as the exact p95 was), which needs at
// most 1076 buckets; the sketch keeps at most kMaxBuckets consecutive bucket indexes and
// folds lower ones into the lowest kept bucket (the DDSketch "collapse lowest" rule, which
// leaves upper quantiles within the error and, being a function of the highest index only,
// keeps merges exact). Encoded, a sketch is text of varints in the base64url alphabet (5
// bits per character; version 2, response_sketch.cpp; version 1, base64url of byte varints,
// is still read): about 3–4 characters per non-empty bucket, never more than ~16 KB.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace painel::domain {

class ResponseSketch {
 public:
  static constexpr double kRelativeError = 0.01;
  static constexpr int32_t kMaxBuckets = 1024;
  // The largest index a clamped value can reach (ceil(log_gamma(2^31 - 1))).
  static constexpr int32_t kMaxIndex = 1100;

  void add(int64_t value_ms, int64_t count = 1);
  void merge(const ResponseSketch& other);
  int64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Nearest rank, as the exact p95 is defined: the estimate of the value at 1-based rank
  // ceil(q n) of the sorted sample, rounded to whole ms; 0 when empty. q in (0, 1].
  int64_t quantile(double q) const;
  // Rank ceil(0.95 n) in integers, the same rank the exact p95 uses.
  int64_t p95() const;

  std::string encode() const;
  // decode(stored), merged with this sketch, encoded into `out` (replacing it), in one pass
  // over the stored text and without building the merged sketch: the incremental fold adds
  // a few new values to each stored row's sketch, and decoding, merging and encoding each
  // was most of its per-row work. Writes what encode() of the merge would; answers the
  // stored sketch's count and the merge's p95(). nullopt (out unspecified) for a text
  // decode() would refuse or a version-1 text, and for a merge that would collapse
  // buckets: the caller then decodes, merges and encodes.
  struct TextMerge {
    int64_t stored_count = 0, p95 = 0;
  };
  std::optional<TextMerge> merge_into_text(std::string_view stored, std::string& out) const;
  // Strict: nullopt for anything encode() would not have written (bad alphabet, trailing
  // bytes, out-of-range indexes, zero or overflowing counts, too many buckets).
  static std::optional<ResponseSketch> decode(std::string_view text);

  bool operator==(const ResponseSketch& o) const {
    return zero_ == o.zero_ && offset_ == o.offset_ && counts_ == o.counts_;
  }

  static int32_t index_of(int64_t value_ms);  // for v >= 1
  static double estimate_of(int32_t index);

 private:
  // The buckets of an encoded sketch, each value read by next(uint64_t&) (false: bad input).
  template <class Next>
  static std::optional<ResponseSketch> parse(Next&& next);
  void add_at(int32_t index, int64_t count);
  void collapse();
  int64_t value_at_rank(int64_t rank) const;
  int64_t zero_ = 0, count_ = 0;
  int32_t offset_ = 0;           // index of counts_[0]
  std::vector<int64_t> counts_;  // dense from offset_; first and last non-zero
};

}  // namespace painel::domain
