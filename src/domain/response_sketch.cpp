#include "domain/response_sketch.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>

#include "core/crypto.hpp"

namespace painel::domain {
namespace {

constexpr double kGamma =
    (1 + ResponseSketch::kRelativeError) / (1 - ResponseSketch::kRelativeError);
const double kLogGamma = std::log(kGamma);
constexpr unsigned char kVersion = 1;
constexpr size_t kMaxEncoded = 16384;

// Version 1 (read only): byte varints, 7 bits per byte, 128 marking "more follows".
bool get_varint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return false;
    auto b = static_cast<unsigned char>(in[pos++]);
    if (shift == 63 && b > 1) return false;  // would overflow 64 bits
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return b != 0 || shift == 0;  // no redundant trailing zero bytes
  }
  return false;
}

// Version 2 (what encode writes): the same varints written straight in the base64url
// alphabet, 5 bits per character, low bits first, 32 marking "more follows", after a '2'
// (a version-1 text starts with 'A', base64 of its version byte). No separate base64
// pass: the fold decodes and encodes a stored sketch per row it adds to, and libsodium's
// constant-time base64 was ~40 % of that (response_sketch_benchmark.cpp).
constexpr char kTextVersion = '2';
constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::array<int8_t, 256> kDigitValues = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kDigits[i])] = static_cast<int8_t>(i);
  return t;
}();

void put_digits(std::string& out, uint64_t v) {
  while (v >= 32) {
    out.push_back(kDigits[(v & 31) | 32]);
    v >>= 5;
  }
  out.push_back(kDigits[v]);
}

bool get_digits(std::string_view in, size_t& pos, uint64_t& v) {
  if (pos < in.size()) {  // most values are one digit (gaps of 0, small counts)
    int d = kDigitValues[static_cast<unsigned char>(in[pos])];
    if (d >= 0 && d < 32) {
      ++pos;
      v = static_cast<uint64_t>(d);
      return true;
    }
  }
  v = 0;
  for (int shift = 0; shift < 64; shift += 5) {
    if (pos >= in.size()) return false;
    int d = kDigitValues[static_cast<unsigned char>(in[pos++])];
    if (d < 0) return false;
    if (shift == 60 && d > 15) return false;  // would overflow 64 bits
    v |= static_cast<uint64_t>(d & 31) << shift;
    if (!(d & 32)) return d != 0 || shift == 0;  // no redundant trailing zero digits
  }
  return false;
}

// An encoded sketch's header and buckets, each value read by next(uint64_t&), checked for
// what encode() never writes: indexes out of range, zero counts, a total beyond int64, more
// than kMaxBuckets buckets or a span of more indexes. Buckets in a plain array: no zeroing.
struct Bucket {
  int32_t index;
  int64_t count;
};
struct ReadBuckets {
  int64_t zero = 0, count = 0;  // count: every value's, the zero bucket's included
  size_t n = 0;
  Bucket at[ResponseSketch::kMaxBuckets];
};

template <class Next>
bool read_buckets(Next&& next, ReadBuckets& r) {
  constexpr auto kMaxBuckets = static_cast<uint64_t>(ResponseSketch::kMaxBuckets);
  constexpr int64_t kMaxIndex = ResponseSketch::kMaxIndex;
  uint64_t zero = 0, n = 0;
  if (!next(zero) || zero > static_cast<uint64_t>(INT64_MAX)) return false;
  if (!next(n) || n > kMaxBuckets) return false;
  r.zero = r.count = static_cast<int64_t>(zero);
  r.n = n;
  int64_t prev = -1;
  for (uint64_t k = 0; k < n; ++k) {
    uint64_t gap = 0, count = 0;
    if (!next(gap) || !next(count)) return false;
    if (gap > static_cast<uint64_t>(kMaxIndex) || count == 0 ||
        count > static_cast<uint64_t>(INT64_MAX - r.count))
      return false;
    int64_t index = prev + 1 + static_cast<int64_t>(gap);
    if (index > kMaxIndex) return false;
    if (k > 0 && static_cast<uint64_t>(index - r.at[0].index + 1) > kMaxBuckets) return false;
    r.at[k] = {static_cast<int32_t>(index), static_cast<int64_t>(count)};
    r.count += static_cast<int64_t>(count);
    prev = index;
  }
  return true;
}

}  // namespace

namespace {
int32_t index_by_log(int64_t value_ms) {
  double v = static_cast<double>(std::clamp<int64_t>(value_ms, 1, INT32_MAX));
  return static_cast<int32_t>(std::ceil(std::log(v) / kLogGamma));
}
// Response times are mostly below a minute: their indexes are read from a table computed
// once by the same function (a full rebuild adds every event of a day to a sketch).
constexpr int64_t kTabulated = 65536;
const std::array<int16_t, kTabulated>& index_table() {
  static const auto table = [] {
    std::array<int16_t, kTabulated> t{};
    for (int64_t v = 0; v < kTabulated; ++v)
      t[static_cast<size_t>(v)] = static_cast<int16_t>(index_by_log(v));
    return t;
  }();
  return table;
}
}  // namespace

int32_t ResponseSketch::index_of(int64_t value_ms) {
  if (value_ms >= 0 && value_ms < kTabulated) return index_table()[static_cast<size_t>(value_ms)];
  return index_by_log(value_ms);
}

double ResponseSketch::estimate_of(int32_t index) {
  return 2.0 * std::pow(kGamma, index) / (kGamma + 1.0);
}

void ResponseSketch::add(int64_t value_ms, int64_t count) {
  if (count <= 0) return;
  if (value_ms < 1)
    zero_ += count;
  else
    add_at(index_of(value_ms), count);
  count_ += count;
}

void ResponseSketch::add_at(int32_t index, int64_t count) {
  if (counts_.empty()) {
    offset_ = index;
    counts_.assign(1, 0);
  } else if (index < offset_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(offset_ - index), 0);
    offset_ = index;
  } else if (index >= offset_ + static_cast<int32_t>(counts_.size())) {
    counts_.resize(static_cast<size_t>(index - offset_ + 1), 0);
  }
  counts_[static_cast<size_t>(index - offset_)] += count;
  collapse();
}

void ResponseSketch::collapse() {
  if (counts_.size() <= static_cast<size_t>(kMaxBuckets)) return;
  size_t drop = counts_.size() - static_cast<size_t>(kMaxBuckets);
  int64_t low = 0;
  for (size_t i = 0; i < drop; ++i) low += counts_[i];
  counts_.erase(counts_.begin(), counts_.begin() + static_cast<std::ptrdiff_t>(drop));
  counts_[0] += low;
  offset_ += static_cast<int32_t>(drop);
}

// The counts are widened once to cover both ranges and added; one collapse at the end
// gives what collapsing after every bucket would (the result depends on the highest index
// only, see the header).
void ResponseSketch::merge(const ResponseSketch& o) {
  zero_ += o.zero_;
  count_ += o.count_;
  if (o.counts_.empty()) return;
  if (counts_.empty()) {
    offset_ = o.offset_;
    counts_ = o.counts_;
    return;
  }
  const int32_t end = offset_ + static_cast<int32_t>(counts_.size());
  const int32_t o_end = o.offset_ + static_cast<int32_t>(o.counts_.size());
  if (o.offset_ < offset_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(offset_ - o.offset_), 0);
    offset_ = o.offset_;
  }
  if (o_end > end) counts_.resize(counts_.size() + static_cast<size_t>(o_end - end), 0);
  const size_t at = static_cast<size_t>(o.offset_ - offset_);
  for (size_t i = 0; i < o.counts_.size(); ++i) counts_[at + i] += o.counts_[i];
  collapse();
}

int64_t ResponseSketch::value_at_rank(int64_t rank) const {
  if (count_ == 0) return 0;
  int64_t seen = zero_;
  if (seen >= rank) return 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::llround(estimate_of(offset_ + static_cast<int32_t>(i)));
  }
  return std::llround(estimate_of(offset_ + static_cast<int32_t>(counts_.size()) - 1));
}

int64_t ResponseSketch::quantile(double q) const {
  auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
  return value_at_rank(std::max<int64_t>(rank, 1));
}

int64_t ResponseSketch::p95() const { return value_at_rank((19 * count_ + 19) / 20); }

std::string ResponseSketch::encode() const {
  std::string out;
  out.reserve(2 + 13 * 2 + 13 * 2 * counts_.size());  // a value takes at most 13 digits
  out.push_back(kTextVersion);
  put_digits(out, static_cast<uint64_t>(zero_));
  size_t n = 0;
  for (int64_t c : counts_) n += c != 0;
  put_digits(out, n);
  int32_t prev = -1;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    int32_t index = offset_ + static_cast<int32_t>(i);
    put_digits(out, static_cast<uint64_t>(index - prev - 1));
    put_digits(out, static_cast<uint64_t>(counts_[i]));
    prev = index;
  }
  return out;
}

std::optional<ResponseSketch::TextMerge> ResponseSketch::merge_into_text(std::string_view stored,
                                                                         std::string& out) const {
  if (stored.size() > kMaxEncoded || stored.empty() || stored[0] != kTextVersion)
    return std::nullopt;
  ReadBuckets r;  // the stored buckets
  size_t pos = 1;
  if (!read_buckets([&](uint64_t& v) { return get_digits(stored, pos, v); }, r) ||
      pos != stored.size() || r.count > INT64_MAX - count_)
    return std::nullopt;
  const int64_t stored_count = r.count;
  const size_t n = r.n;
  const Bucket* const read = r.at;
  const Bucket* const stored_end = read + n;
  // This sketch's non-empty buckets that the stored text lacks (found by binary search:
  // a fold's new values are few), and whether the merge would collapse (left to merge()).
  size_t buckets = n;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    const int32_t index = offset_ + static_cast<int32_t>(i);
    const Bucket* at = std::lower_bound(static_cast<const Bucket*>(read), stored_end, index,
                                        [](const Bucket& b, int32_t x) { return b.index < x; });
    buckets += at == stored_end || at->index != index;
  }
  if (n > 0 && !counts_.empty()) {
    const int32_t lo = std::min(read[0].index, offset_);
    const int32_t hi =
        std::max(read[n - 1].index, offset_ + static_cast<int32_t>(counts_.size()) - 1);
    if (hi - lo + 1 > kMaxBuckets) return std::nullopt;
  }
  // The merged text (a value takes at most 13 digits), and the p95 on the way
  // (value_at_rank's walk).
  const int64_t total = stored_count + count_;
  const int64_t zeros = r.zero + zero_;
  const int64_t rank = (19 * total + 19) / 20;
  int64_t seen = zeros, p95 = 0;
  bool found = total == 0 || seen >= rank;
  // Written into a scratch buffer at its worst-case size, then copied at its real size
  // (~400 bytes): out outlives the call (the fold keeps thousands of them).
  thread_local std::string scratch;
  scratch.resize(std::max(scratch.size(), 1 + 2 * 13 + buckets * 2 * 13));
  char* w = scratch.data();
  auto put = [&w](uint64_t v) {
    while (v >= 32) {
      *w++ = kDigits[(v & 31) | 32];
      v >>= 5;
    }
    *w++ = kDigits[v];
  };
  *w++ = kTextVersion;
  put(static_cast<uint64_t>(zeros));
  put(buckets);
  int32_t last = -1;
  auto emit = [&](int32_t index, int64_t count) {
    put(static_cast<uint64_t>(index - last - 1));
    put(static_cast<uint64_t>(count));
    last = index;
    seen += count;
    if (!found && seen >= rank) {
      p95 = std::llround(estimate_of(index));
      found = true;
    }
  };
  const Bucket* a = read;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    const int32_t index = offset_ + static_cast<int32_t>(i);
    for (; a != stored_end && a->index < index; ++a) emit(a->index, a->count);
    if (a != stored_end && a->index == index)
      emit(index, (a++)->count + counts_[i]);
    else
      emit(index, counts_[i]);
  }
  for (; a != stored_end; ++a) emit(a->index, a->count);
  out.assign(scratch.data(), w);
  if (!found) p95 = std::llround(estimate_of(last));
  return TextMerge{stored_count, p95};
}

std::optional<ResponseSketch> ResponseSketch::decode(std::string_view text) {
  if (text.size() > kMaxEncoded || text.empty()) return std::nullopt;
  if (text[0] == kTextVersion) {
    size_t pos = 1;
    auto s = parse([&](uint64_t& v) { return get_digits(text, pos, v); });
    if (!s || pos != text.size()) return std::nullopt;
    return s;
  }
  // Version 1, still in rows not folded since: base64url of byte varints.
  auto bytes = base64url_decode(text);
  if (!bytes || bytes->empty() || static_cast<unsigned char>((*bytes)[0]) != kVersion)
    return std::nullopt;
  std::string_view in(*bytes);
  size_t pos = 1;
  auto s = parse([&](uint64_t& v) { return get_varint(in, pos, v); });
  if (!s || pos != in.size()) return std::nullopt;
  return s;
}

template <class Next>
std::optional<ResponseSketch> ResponseSketch::parse(Next&& next) {
  // The buckets are read into a buffer first, so the counts are allocated once (growing
  // them bucket by bucket was a third of a decode).
  ReadBuckets r;
  if (!read_buckets(next, r)) return std::nullopt;
  ResponseSketch s;
  s.zero_ = r.zero;
  s.count_ = r.count;
  if (r.n > 0) {
    s.offset_ = r.at[0].index;
    s.counts_.assign(static_cast<size_t>(r.at[r.n - 1].index - s.offset_ + 1), 0);
    for (size_t k = 0; k < r.n; ++k)
      s.counts_[static_cast<size_t>(r.at[k].index - s.offset_)] = r.at[k].count;
  }
  return s;
}

}  // namespace painel::domain
