#include "mail/mailer.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "obs/metrics.hpp"

namespace painel::mail {
namespace {

// base64 decoding for the checks (RFC 4648 §4, padding allowed).
std::string unb64(std::string_view s) {
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t v = 0;
  int bits = 0;
  for (char c : s) {
    auto i = a.find(c);
    if (i == std::string::npos) continue;
    v = (v << 6) | static_cast<uint32_t>(i);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

TEST(Mailer, AddressesRefuseWhatCouldBreakAHeader) {
  EXPECT_TRUE(valid_address("ana@example.com"));
  EXPECT_TRUE(valid_address("a.b+tag@sub.example.com.br"));
  for (auto bad : {"", "ana", "@example.com", "ana@", "a@b@c", "ana @x.com",
                   "ana@x.com\r\nBcc: e@x.com", "<ana@x.com>", "ana@x.com,bob@x.com", "joão@x.com"})
    EXPECT_FALSE(valid_address(bad)) << bad;
}

TEST(Mailer, SettingsAreValidated) {
  EXPECT_NO_THROW(validate_settings({"", ""}));
  EXPECT_NO_THROW(validate_settings({"smtp://127.0.0.1:2525", "no-reply@example.com"}));
  EXPECT_NO_THROW(
      validate_settings({"smtps://u:p@mail.example.com:465", "Painel <no-reply@example.com>"}));
  EXPECT_NO_THROW(validate_settings({"SMTP://mail", "\"Painel Alquimista\" <a@b.c>"}));
  EXPECT_THROW(validate_settings({"http://mail", "a@b.c"}), std::invalid_argument);
  EXPECT_THROW(validate_settings({"smtp://", "a@b.c"}), std::invalid_argument);
  EXPECT_THROW(validate_settings({"smtp://mail", ""}), std::invalid_argument);
  EXPECT_THROW(validate_settings({"smtp://mail", "Painel <nope>"}), std::invalid_argument);
  EXPECT_THROW(validate_settings({"smtp://mail", "a@b.c\r\nBcc: x@y.z"}), std::invalid_argument);
}

TEST(Mailer, EncodedWordsKeepUtf8WholeAndLinesShort) {
  EXPECT_EQ(encode_header_text("Painel password reset"), "Painel password reset");
  std::string s = "Redefinição de senha do Painel — ação necessária, çãõéíú çãõéíú";
  std::string e = encode_header_text(s);
  std::string decoded;
  size_t pos = 0;
  while ((pos = e.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = e.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u);
    std::string word = unb64(e.substr(pos + 10, end - pos - 10));
    // every word decodes on its own: it never starts with a continuation byte
    EXPECT_NE(static_cast<uint8_t>(word[0]) & 0xC0, 0x80);
    decoded += word;
    pos = end + 2;
  }
  EXPECT_EQ(decoded, s);
  EXPECT_NE(e.find("\r\n "), std::string::npos);  // folded
  EXPECT_EQ(encode_header_text("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
}

TEST(Mailer, MessageIsRfc5322WithABase64Body) {
  Message m{"ana@example.com", "Ana Sá", "Seu convite", "Olá\nlink: https://x/app?token=a.b\n"};
  std::string msg = format_message("Painel <no-reply@painel.example>", m, 1796126400000);
  auto head_end = msg.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  std::string head = msg.substr(0, head_end + 2);
  EXPECT_NE(head.find("Date: Tue, 01 Dec 2026 12:00:00 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("From: Painel <no-reply@painel.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(head.find(" <ana@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Subject: Seu convite\r\n"), std::string::npos);
  EXPECT_NE(head.find("@painel.example>\r\n"), std::string::npos);  // Message-ID
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  for (size_t i = 0; i < msg.size(); ++i)
    if (msg[i] == '\n') {
      EXPECT_EQ(msg[i - 1], '\r');
    }
  EXPECT_EQ(unb64(msg.substr(head_end + 4)), "Olá\r\nlink: https://x/app?token=a.b\r\n");
  Message bad = m;
  bad.to = "ana@example.com\r\nBcc: eve@example.com";
  EXPECT_THROW(format_message("no-reply@painel.example", bad, 0), std::invalid_argument);
  Message control = m;
  control.to_name = "Ana\r\nBcc: eve@example.com";
  control.subject = "a\r\nBcc: eve@example.com";
  std::string safe = format_message("no-reply@painel.example", control, 0);
  EXPECT_EQ(safe.find("Bcc"), std::string::npos);
}

// A port that accepts connections and never says a word: a hung SMTP server.
struct SilentServer {
  int fd = -1;
  int port = 0;
  SilentServer() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~SilentServer() { ::close(fd); }
};

TEST(Mailer, EnqueueNeverWaitsForASlowServerAndFailuresAreCounted) {
  SilentServer srv;
  obs::Metrics metrics;
  SmtpSettings s{"smtp://127.0.0.1:" + std::to_string(srv.port), "no-reply@painel.example"};
  s.total_timeout_ms = 300;
  Mailer m(s, metrics);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(m.enqueue({"ana@example.com", "", "s", "b"}, "test"));
  EXPECT_TRUE(m.enqueue({"bob@example.com", "", "s", "b"}, "test"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
  EXPECT_FALSE(m.enqueue({"not an address", "", "s", "b"}, "test"));
  m.wait_idle();
  EXPECT_EQ(metrics.counter("painel_mail_sent_total", "result=\"failed\""), 3u);
  EXPECT_EQ(metrics.counter("painel_mail_sent_total", "result=\"sent\""), 0u);
  EXPECT_NE(metrics.render().find("painel_mail_sent_total{result=\"sent\"} 0"), std::string::npos);
}

TEST(Mailer, StopDropsWhatItCannotSendInTime) {
  SilentServer srv;
  obs::Metrics metrics;
  SmtpSettings s{"smtp://127.0.0.1:" + std::to_string(srv.port), "no-reply@painel.example"};
  Mailer m(s, metrics);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(m.enqueue({"ana@example.com", "", "s", "b"}, "test"));
  std::this_thread::sleep_for(
      std::chrono::milliseconds(200));  // the first one is under way (15 s timeout)
  auto t0 = std::chrono::steady_clock::now();
  m.stop(300);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(metrics.counter("painel_mail_sent_total", "result=\"failed\"") +
                metrics.counter("painel_mail_sent_total", "result=\"dropped\""),
            5u);
  EXPECT_FALSE(m.enqueue({"ana@example.com", "", "s", "b"}, "test"));  // stopped
}

TEST(Mailer, OffWithoutAUrl) {
  obs::Metrics metrics;
  Mailer m({"", ""}, metrics);
  EXPECT_FALSE(m.enabled());
  EXPECT_FALSE(m.enqueue({"ana@example.com", "", "s", "b"}, "test"));
  EXPECT_FALSE(enqueue_link_mail(m, domain::LinkPurpose::Invite, domain::MailLanguage::PtBr,
                                 "ana@example.com", "Ana", "http://x", "2026-12-08T12:00:00.000Z"));
  m.wait_idle();
}

}  // namespace
}  // namespace painel::mail
