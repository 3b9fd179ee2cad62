// The text side of the PostgreSQL backend, pure functions unit-tested without a server:
// `?` → $n placeholder rewriting, and result text → Value conversion by column type.
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "core/time.hpp"
#include "store/postgres/pg_conn.hpp"

namespace painel::store {
namespace {

// Type OIDs (pg_type.dat); stable across server versions.
constexpr unsigned kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
                   kFloat8 = 701, kTimestamp = 1114, kTimestamptz = 1184, kNumeric = 1700;

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

int digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// "2026-11-28 12:00:00.123456+00" (DateStyle ISO, TimeZone UTC) → "2026-11-28T12:00:00.123Z",
// the text format_rfc3339 writes.
std::string timestamp_text(std::string_view t, bool with_zone) {
  auto all_digits = [&](size_t a, size_t n) {
    for (size_t i = a; i < a + n; ++i)
      if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
    return true;
  };
  if (t.size() < 19 || t[4] != '-' || t[10] != ' ' || !all_digits(0, 4)) return std::string(t);
  size_t i = 19;
  int ms = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int scale = 100;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      ms += (t[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  std::string_view zone = t.substr(i);
  if (!with_zone || zone == "+00" || zone == "+00:00" || zone.empty()) {
    std::string out(t.substr(0, 19));
    out[10] = 'T';
    // Exactly as format_rfc3339 writes it (whether it keeps ".000" or not), so instants
    // read back compare equal to the text the code wrote (the audit hash chain needs it).
    static const bool always_ms = format_rfc3339(0).find('.') != std::string::npos;
    if (ms || always_ms) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ".%03d", ms);
      out += buf;
    }
    out += 'Z';
    return out;
  }
  // Another zone (the session is set to UTC, so only if something changed it): go through
  // epoch milliseconds.
  if (zone.size() >= 3 && (zone[0] == '+' || zone[0] == '-') && all_digits(i + 1, 2)) {
    int off_min = digits(t, i + 1, 2) * 60;
    if (zone.size() >= 6 && zone[3] == ':' && all_digits(i + 4, 2)) off_min += digits(t, i + 4, 2);
    std::string base(t.substr(0, 19));
    base[10] = 'T';
    base += 'Z';
    if (auto at = parse_rfc3339(base)) {
      int64_t sign = zone[0] == '+' ? 1 : -1;
      return format_rfc3339(*at + ms - sign * off_min * 60000LL);
    }
  }
  return std::string(t);
}

}  // namespace

std::string rewrite_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  const size_t len = sql.size();
  while (i < len) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // E'...' strings take backslash escapes; standard strings and identifiers do not.
      bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                     (i < 2 || !ident_char(sql[i - 2]));
      size_t j = i + 1;
      while (j < len) {
        if (escapes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == c) {
          if (j + 1 < len && sql[j + 1] == c) {  // doubled quote inside
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, len);
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < len && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      j = j == std::string_view::npos ? len : j;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
      size_t j = i + 2;
      int depth = 1;  // PostgreSQL block comments nest
      while (j < len && depth > 0) {
        if (sql[j] == '/' && j + 1 < len && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < len && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) && i + 1 < len &&
               !(sql[i + 1] >= '0' && sql[i + 1] <= '9')) {
      // Dollar quoting: $$...$$ or $tag$...$tag$.
      size_t k = i + 1;
      while (k < len && ident_char(sql[k]) && sql[k] != '$') ++k;
      if (k < len && sql[k] == '$') {
        std::string_view tag = sql.substr(i, k - i + 1);
        size_t end = sql.find(tag, k + 1);
        size_t j = end == std::string_view::npos ? len : end + tag.size();
        out.append(sql.substr(i, j - i));
        i = j;
      } else {
        out.push_back(c);
        ++i;
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

Value pg_text_to_value(unsigned oid, std::string_view t) {
  switch (oid) {
    case kBool:
      return int64_t{!t.empty() && t[0] == 't'};
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      int64_t v = 0;
      std::from_chars(t.data(), t.data() + t.size(), v);
      return v;
    }
    case kFloat4:
    case kFloat8:
      return std::strtod(std::string(t).c_str(), nullptr);
    case kNumeric: {
      // sum() of bigint and the like: integral values stay integers, as in SQLite.
      size_t dot = t.find('.');
      bool integral = t.find_first_of("eEN") == std::string_view::npos;
      if (integral && dot != std::string_view::npos)
        integral = t.find_first_not_of('0', dot + 1) == std::string_view::npos;
      if (integral) {
        int64_t v = 0;
        auto end = dot == std::string_view::npos ? t.data() + t.size() : t.data() + dot;
        auto r = std::from_chars(t.data(), end, v);
        if (r.ec == std::errc() && r.ptr == end) return v;
      }
      return std::strtod(std::string(t).c_str(), nullptr);
    }
    case kTimestamptz:
      return timestamp_text(t, true);
    case kTimestamp:
      return timestamp_text(t, false);
    default:
      return std::string(t);
  }
}

}  // namespace painel::store
