#include "mail/mailer.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/time.hpp"
#include "core/utf8.hpp"
#include "obs/metrics.hpp"

namespace painel::mail {
namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RFC 4648 §4 with padding (MIME wants it, base64url_encode is the other alphabet).
std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool plain_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return s.find("=?") == std::string_view::npos;
}

// "Name <addr>" or "addr" → its parts; false when it is neither.
bool split_mailbox(std::string_view text, std::string& name, std::string& addr) {
  auto lt = text.rfind('<');
  if (lt == std::string_view::npos) {
    name.clear();
    addr = std::string(text);
    return valid_address(addr);
  }
  if (text.empty() || text.back() != '>') return false;
  addr = std::string(text.substr(lt + 1, text.size() - lt - 2));
  std::string_view n = text.substr(0, lt);
  while (!n.empty() && n.back() == ' ') n.remove_suffix(1);
  if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
  name = std::string(n);
  return valid_address(addr) && valid_utf8_text(name) && name.find('"') == std::string::npos;
}

// A display name as a header phrase: letters, digits and spaces as they are, anything
// else as encoded-words (never a quoted string to get wrong).
std::string mailbox(const std::string& name, const std::string& addr) {
  if (name.empty()) return "<" + addr + ">";
  bool simple = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ';
  });
  return (simple ? name : encode_header_text(name)) + " <" + addr + ">";
}

// RFC 5322 date-time in UTC, independent of the process locale.
std::string rfc5322_date(int64_t ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t read_upload(char* buf, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t len = std::min(size * n, u->data->size() - u->pos);
  std::copy_n(u->data->data() + u->pos, len, buf);
  u->pos += len;
  return len;
}

int abort_when_due(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* at = static_cast<const std::atomic<int64_t>*>(user);
  int64_t due = at->load(std::memory_order_relaxed);
  return due != 0 && wall_now_ms() >= due ? 1 : 0;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

bool valid_address(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  auto at = a.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == a.size() ||
      a.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : a) {
    if (c <= 0x20 || c > 0x7e) return false;
    if (std::string_view("<>(),;:\"\\[]").find(c) != std::string_view::npos) return false;
  }
  return true;
}

void validate_settings(const SmtpSettings& s) {
  if (s.url.empty()) return;
  std::string_view u = s.url;
  size_t scheme = starts_with_nocase(u, "smtp://") ? 7 : starts_with_nocase(u, "smtps://") ? 8 : 0;
  if (scheme == 0 || u.size() == scheme || !valid_utf8_text(u))
    throw std::invalid_argument(
        "--smtp-url must be smtp://HOST[:PORT] or smtps://[USER:PASSWORD@]HOST[:PORT]");
  std::string name, addr;
  if (s.from.empty())
    throw std::invalid_argument("--smtp-url needs --smtp-from (the sender's address)");
  if (!split_mailbox(s.from, name, addr))
    throw std::invalid_argument("--smtp-from must be ADDRESS or \"NAME <ADDRESS>\"");
}

std::string encode_header_text(std::string_view s) {
  if (plain_ascii(s)) return std::string(s);
  // 36 bytes → 48 base64 characters → a 60-character word ("=?UTF-8?B?" … "?="), cut
  // before a UTF-8 continuation byte so every word decodes on its own (RFC 2047 §5).
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = std::min(s.size(), i + 36);
    while (end < s.size() && end > i + 1 && (static_cast<uint8_t>(s[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(s.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string format_message(std::string_view from, const Message& m, int64_t now_ms) {
  std::string from_name, from_addr;
  if (!split_mailbox(from, from_name, from_addr))
    throw std::invalid_argument("the sender is not an address");
  if (!valid_address(m.to)) throw std::invalid_argument("the recipient is not an address");
  std::string to_name = valid_utf8_text(m.to_name) ? m.to_name : "";
  std::string body;
  for (char c : m.body) {
    if (c == '\n') body += '\r';
    if (c != '\r') body += c;
  }
  std::string b64 = base64(body);
  std::string out;
  out += "Date: " + rfc5322_date(now_ms) + "\r\n";
  out += "From: " + mailbox(from_name, from_addr) + "\r\n";
  out += "To: " + mailbox(to_name, m.to) + "\r\n";
  out +=
      "Subject: " + encode_header_text(valid_utf8_text(m.subject) ? m.subject : "Painel") + "\r\n";
  out += "Message-ID: <" + random_token(18) + "@" + from_addr.substr(from_addr.find('@') + 1) +
         ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

std::optional<std::string> send_smtp(const SmtpSettings& s, const Message& m,
                                     const std::atomic<int64_t>* abort_at_ms) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string from_name, from_addr;
  if (!split_mailbox(s.from, from_name, from_addr)) return "the sender is not an address";
  if (!valid_address(m.to)) return "the recipient is not an address";
  std::string payload = format_message(s.from, m, wall_now_ms());

  CURL* curl = curl_easy_init();
  if (!curl) return "curl_easy_init failed";
  char err[CURL_ERROR_SIZE] = {0};
  Upload up{&payload};
  std::string envelope_from = "<" + from_addr + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp://: STARTTLS when the server offers it (its certificate verified); smtps://: TLS.
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, s.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, std::max(1L, s.total_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  if (abort_at_ms) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_due);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, abort_at_ms);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return std::nullopt;
  return err[0] ? std::string(err) : std::string(curl_easy_strerror(rc));
}

Mailer::Mailer(SmtpSettings s, obs::Metrics& metrics, size_t max_queue)
    : settings_(std::move(s)), metrics_(metrics), max_queue_(max_queue) {
  if (!enabled()) return;
  validate_settings(settings_);
  for (const char* r : {"sent", "failed", "dropped"})  // shown at 0 before the first mail
    metrics_.counter_ref("painel_mail_sent_total", std::string("result=\"") + r + "\"");
  thread_ = std::thread([this] { run(); });
}

Mailer::~Mailer() { stop(); }

void Mailer::count(const char* result) {
  metrics_.inc("painel_mail_sent_total", std::string("result=\"") + result + "\"");
}

bool Mailer::enqueue(Message m, std::string kind) {
  if (!enabled()) return false;
  if (!valid_address(m.to)) {
    count("failed");
    spdlog::warn("mail: {} not sent: the recipient is not an address", kind);
    return false;
  }
  {
    std::lock_guard lk(mu_);
    if (!stopping_ && queue_.size() < max_queue_) {
      queue_.push_back({std::move(m), std::move(kind)});
      cv_.notify_one();
      return true;
    }
  }
  count("dropped");
  spdlog::warn("mail: {} not sent: the mail queue is full or stopping", kind);
  return false;
}

void Mailer::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;
    long budget = settings_.total_timeout_ms;
    if (stopping_) {
      long left = static_cast<long>(drain_deadline_ms_ - wall_now_ms());
      if (left <= 0) {
        for (auto& it : queue_) {
          count("dropped");
          spdlog::warn("mail: {} not sent: stopped before it could be", it.kind);
        }
        queue_.clear();
        break;
      }
      budget = std::min(budget, left);
    }
    Item it = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lk.unlock();
    SmtpSettings s = settings_;
    s.total_timeout_ms = budget;
    s.connect_timeout_ms = std::min(s.connect_timeout_ms, budget);
    std::optional<std::string> err;
    try {
      err = send_smtp(s, it.message, &drain_deadline_ms_);
    } catch (const std::exception& e) {
      err = e.what();
    }
    if (err) {
      count("failed");
      spdlog::warn("mail: {} not sent: {}", it.kind, *err);
    } else {
      count("sent");
      spdlog::info("mail: {} sent", it.kind);
    }
    lk.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
  busy_ = false;
  idle_cv_.notify_all();
}

void Mailer::wait_idle() {
  if (!enabled()) return;
  std::unique_lock lk(mu_);
  idle_cv_.wait(lk, [this] { return queue_.empty() && !busy_; });
}

void Mailer::stop(long drain_ms) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_) {
      stopping_ = true;
      drain_deadline_ms_ = wall_now_ms() + drain_ms;
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Message link_message(domain::LinkPurpose purpose, domain::MailLanguage lang, const std::string& to,
                     const std::string& name, const std::string& url, const std::string& expires_at) {
  auto text = domain::link_mail(purpose, lang, name, url, expires_at);
  return {to, name, std::move(text.subject), std::move(text.body)};
}

bool enqueue_link_mail(Mailer& mailer, domain::LinkPurpose purpose, domain::MailLanguage lang,
                       const std::string& to, const std::string& name, const std::string& url,
                       const std::string& expires_at) {
  if (!mailer.enabled()) return false;
  return mailer.enqueue(link_message(purpose, lang, to, name, url, expires_at),
                        purpose == domain::LinkPurpose::Invite ? "invite" : "reset");
}

}  // namespace painel::mail
