#include "domain/support.hpp"

#include "core/utf8.hpp"

namespace painel::domain {

bool valid_support_category(std::string_view c) {
  return c == "billing" || c == "technical" || c == "agent" || c == "integration" || c == "other";
}

bool valid_support_status(std::string_view s) {
  return s == "open" || s == "answered" || s == "closed";
}

const char* support_side_name(SupportSide s) {
  return s == SupportSide::Staff ? "staff" : "tenant";
}

std::optional<std::string> status_after_message(std::string_view current, SupportSide side) {
  if (current == "closed") return std::nullopt;
  return side == SupportSide::Staff ? "answered" : "open";
}

CheckedText check_multiline_text(std::string_view in, size_t max_bytes) {
  CheckedText out;
  if (!valid_utf8(in)) {
    out.error = "must be valid UTF-8";
    out.code = "invalid-format";
    return out;
  }
  std::string& t = out.text;
  t.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\r') {
      t.push_back('\n');
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) {
      out.error = "must not contain control characters (newlines are allowed)";
      out.code = "control-characters";
      return out;
    }
    t.push_back(c);
  }
  size_t b = t.find_first_not_of(" \n"), e = t.find_last_not_of(" \n");
  t = b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
  if (t.empty()) {
    out.error = "must not be empty";
    out.code = "empty";
  } else if (t.size() > max_bytes) {
    out.error = "must be at most " + std::to_string(max_bytes) + " bytes";
    out.code = "too-long";
  }
  return out;
}

}  // namespace painel::domain
