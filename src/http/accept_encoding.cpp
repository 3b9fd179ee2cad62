#include "http/accept_encoding.hpp"

#include <algorithm>
#include <cctype>

#include "core/list.hpp"

namespace painel::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 if not one.
int parse_qvalue(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int whole = v[0] - '0';
  int frac = 0, digits = 0;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return -1;
    for (char c : v.substr(2)) {
      if (c < '0' || c > '9') return -1;
      frac = frac * 10 + (c - '0');
      ++digits;
    }
  }
  for (; digits < 3; ++digits) frac *= 10;
  if (whole == 1 && frac != 0) return -1;
  return whole * 1000 + frac;
}

}  // namespace

std::vector<CodingWeight> parse_accept_encoding(std::string_view value) {
  std::vector<CodingWeight> out;
  for (std::string_view item : comma_list(value)) {
    size_t semi = item.find(';');
    std::string coding = lower(trim_blanks(item.substr(0, semi)));
    if (coding.empty()) continue;
    if (coding == "x-gzip") coding = "gzip";
    int q = 1000;
    bool ok = true;
    while (semi != std::string_view::npos) {
      std::string_view rest = item.substr(semi + 1);
      size_t next = rest.find(';');
      std::string_view param = trim_blanks(rest.substr(0, next));
      semi = next == std::string_view::npos ? next : semi + 1 + next;
      size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;  // a bare parameter: not a weight
      if (lower(trim_blanks(param.substr(0, eq))) != "q") continue;
      q = parse_qvalue(trim_blanks(param.substr(eq + 1)));
      ok = q >= 0;
    }
    if (ok) out.push_back({std::move(coding), q});
  }
  return out;
}

std::optional<std::string> choose_encoding(std::optional<std::string_view> accept_encoding,
                                           const std::vector<std::string_view>& offered) {
  if (!accept_encoding) return "identity";
  auto items = parse_accept_encoding(*accept_encoding);
  // The weight the client gives `coding`: named, else `*`, else `otherwise`.
  auto weight = [&](std::string_view coding, int otherwise) {
    std::optional<int> named, star;
    for (auto& it : items) {
      if (it.coding == coding) named = named ? std::max(*named, it.q) : it.q;
      if (it.coding == "*") star = star ? std::max(*star, it.q) : it.q;
    }
    return named ? *named : star ? *star : otherwise;
  };
  std::optional<std::string> best;
  int best_q = 0;
  for (auto c : offered) {
    int q = weight(c, 0);
    if (q > best_q) best = std::string(c), best_q = q;
  }
  // Identity not named (nor `*`) is acceptable but least preferred: "br;q=0.5" still
  // means "br, please", not "identity first".
  int identity_q = weight("identity", 1);
  if (identity_q > best_q) best = "identity";
  return best;
}

}  // namespace painel::http
