#pragma once
// E-mail over SMTP (issue #16): invitation and password-reset links, and `painel mail
// test`. libcurl speaks SMTP (smtp:// with STARTTLS when the server offers it, smtps://
// for TLS from the start, credentials in the URL's user info); a message is RFC 5322 with
// an RFC 2047 encoded-word subject and a base64 UTF-8 text body.
//
// Off the request path: routes call Mailer::enqueue, which only appends to a bounded queue;
// one thread sends (connect timeout 5 s, 15 s in all per message), so a slow or dead SMTP
// server never holds a request. Every outcome is counted in painel_mail_sent_total{result=
// "sent"|"failed"|"dropped"} and a failure is logged with curl's reason — never the
// message, its link or its recipient.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "domain/mail_texts.hpp"

namespace painel::obs {
class Metrics;
}

namespace painel::mail {

struct SmtpSettings {
  std::string url;   // smtp://HOST[:PORT] or smtps://[USER:PASSWORD@]HOST[:PORT]; empty: mail off
  std::string from;  // "no-reply@example.com" or "Painel <no-reply@example.com>"
  long connect_timeout_ms = 5000;
  long total_timeout_ms = 15000;
};

// Throws std::invalid_argument naming the setting (--smtp-url, --smtp-from) when a set URL
// is not smtp:// or smtps:// with a host, or the sender is missing or not an address.
void validate_settings(const SmtpSettings& s);

// A plain address as SMTP and the To header take it: ASCII, one '@', no space, no
// character that would end or fold a header (CR, LF) or quote a phrase (<>(),;:"\[]).
bool valid_address(std::string_view addr);

struct Message {
  std::string to;       // the recipient's address (valid_address)
  std::string to_name;  // shown beside it; may be empty
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 text, \n line ends
};

// RFC 2047 "B" encoded-words for a header value (ASCII printable text as is), each word at
// most 60 characters and never splitting a UTF-8 sequence, joined by a folding CRLF SP.
std::string encode_header_text(std::string_view utf8);
// The whole RFC 5322 message (CRLF line ends): Date, From, To, Subject, Message-ID,
// MIME-Version, Content-Type text/plain; charset=UTF-8, base64 body in 76-character lines.
// `from` as in SmtpSettings. Throws std::invalid_argument for an invalid recipient.
std::string format_message(std::string_view from, const Message& m, int64_t now_ms);

// Sends one message now, on the calling thread. nullopt when the server accepted it,
// otherwise why not (curl's reason: no link, no recipient in it). A non-zero
// `*abort_at_ms` (wall clock) that has passed aborts the transfer (Mailer::stop).
std::optional<std::string> send_smtp(const SmtpSettings& s, const Message& m,
                                     const std::atomic<int64_t>* abort_at_ms = nullptr);

class Mailer {
 public:
  // Mail is off (enqueue answers false, no thread) when `s.url` is empty.
  Mailer(SmtpSettings s, obs::Metrics& metrics, size_t max_queue = 1000);
  ~Mailer();  // stop()
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  bool enabled() const { return !settings_.url.empty(); }
  // Queues the message for the sending thread and returns at once: true when queued;
  // false when mail is off, stopped, or the queue is full (counted "dropped"). `kind`
  // ("invite", "reset", "test") names it in logs.
  bool enqueue(Message m, std::string kind);
  // Blocks until the queue is empty and nothing is being sent (tests, `painel mail test`).
  void wait_idle();
  // Sends what is queued for at most `drain_ms` more (a send under way is aborted past
  // it), then drops the rest (counted) and joins the thread. Idempotent.
  void stop(long drain_ms = 15000);

  const SmtpSettings& settings() const { return settings_; }

 private:
  struct Item {
    Message message;
    std::string kind;
  };
  void run();
  void count(const char* result);

  SmtpSettings settings_;
  obs::Metrics& metrics_;
  size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;       // work arrived / stopping
  std::condition_variable idle_cv_;  // queue drained
  std::deque<Item> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<int64_t> drain_deadline_ms_{0};  // set by stop(); aborts a send past it
  std::thread thread_;
};

// The message carrying an invitation or reset link to `to` (greeted by `name`).
Message link_message(domain::LinkPurpose purpose, domain::MailLanguage lang, const std::string& to,
                     const std::string& name, const std::string& url, const std::string& expires_at);

// An invitation or reset link for `to`, queued on `mailer` in `lang`: what the routes and
// the CLI call where a link is issued. False when mail is off or the message was not queued
// (the link is still answered; nothing fails for it).
bool enqueue_link_mail(Mailer& mailer, domain::LinkPurpose purpose, domain::MailLanguage lang,
                       const std::string& to, const std::string& name, const std::string& url,
                       const std::string& expires_at);

}  // namespace painel::mail
