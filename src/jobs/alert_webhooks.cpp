#include "jobs/alert_webhooks.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "core/build_info.hpp"
#include "core/crypto.hpp"
#include "store/alerts.hpp"

namespace painel::jobs {
namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

constexpr int64_t kDayMs = 86400000;

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::string derived_webhook_secret(std::string_view master_key32) {
  return hmac_sha256_hex(master_key32, "painel alert webhook secret v1");
}

WebhookAnswer post_webhook(const std::string& url, const std::string& body,
                           const std::vector<std::string>& headers, long timeout_ms) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return {std::nullopt, "curl_easy_init failed"};
  char err[CURL_ERROR_SIZE] = {0};
  curl_slist* hs = nullptr;
  for (auto& h : headers) hs = curl_slist_append(hs, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(5000L, timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  CURLcode rc = curl_easy_perform(curl);
  WebhookAnswer a;
  if (rc == CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    a.http_status = code;
  } else {
    a.error = err[0] ? std::string(err) : std::string(curl_easy_strerror(rc));
  }
  curl_slist_free_all(hs);
  curl_easy_cleanup(curl);
  return a;
}

WebhookSender::WebhookSender(store::Store& s, obs::Metrics& m, const Clock& clock, WebhookOptions o)
    : store_(s), metrics_(m), clock_(clock), opt_(std::move(o)) {}

int WebhookSender::tick() {
  int64_t now = clock_.now_ms();
  if (now - last_prune_ms_ > 3600000) {
    last_prune_ms_ = now;
    // Off the global write lock (here and below): a DELETE of finished rows, and single-row
    // UPDATEs, the claim conditional on the next attempt this sender saw.
    store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::prune_alert_deliveries(c, now - opt_.retention_days * kDayMs);
    });
  }
  std::map<std::string, const std::string*> by_hash;
  for (auto& u : opt_.urls) by_hash[sha256_hex(u)] = &u;
  int attempts = 0;
  auto due = store::due_alert_deliveries(store_.conn(), now, 20);
  for (auto& d : due) {
    // Held for longer than one attempt can take, so no other sender sends it meanwhile.
    int64_t hold = now + opt_.timeout_ms + 30000;
    bool mine = store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      return store::claim_alert_delivery(c, d.id, d.next_attempt_ms, hold);
    });
    if (!mine) continue;
    store::AlertAttempt a;
    a.attempts = d.attempts + 1;
    auto url = by_hash.find(d.url_hash);
    if (url == by_hash.end()) {
      // Queued by an instance with another --alert-webhook list: leave it to one that has it,
      // unless nobody took it for a day.
      if (now - d.created_ms < kDayMs) {
        store_.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
          store::claim_alert_delivery(c, d.id, hold, now + opt_.retry_ms);
        });
        continue;
      }
      a.status = "failed";
      a.attempts = d.attempts;
      a.error = "the webhook is no longer configured (--alert-webhook)";
      a.finished_ms = now;
      a.next_attempt_ms = now;
    } else {
      ++attempts;
      auto answer = post_webhook(
          *url->second, d.body,
          {"Content-Type: application/json", "User-Agent: painel/" + build_info().version,
           "X-Painel-Event: " + d.event, "X-Painel-Delivery: " + d.id,
           "X-Painel-Signature: " + webhook_signature(opt_.secret, d.body)},
          opt_.timeout_ms);
      int64_t done = clock_.now_ms();
      a.http_status = answer.http_status;
      bool ok = answer.http_status && *answer.http_status >= 200 && *answer.http_status < 300;
      if (!ok)
        a.error = answer.http_status ? "HTTP " + std::to_string(*answer.http_status) : answer.error;
      if (ok) {
        a.status = "delivered";
        a.finished_ms = done;
        a.next_attempt_ms = done;
        metrics_.inc("painel_alert_webhook_deliveries_total", "result=\"delivered\"");
      } else if (a.attempts >= opt_.max_attempts) {
        a.status = "failed";
        a.finished_ms = done;
        a.next_attempt_ms = done;
        metrics_.inc("painel_alert_webhook_deliveries_total", "result=\"failed\"");
        spdlog::error("alerts: webhook {} to {} failed for good after {} attempts ({})", d.id,
                      d.target, a.attempts, *a.error);
      } else {
        a.status = "pending";
        a.next_attempt_ms = done + opt_.retry_ms * (int64_t{1} << (a.attempts - 1));
        metrics_.inc("painel_alert_webhook_deliveries_total", "result=\"retried\"");
        spdlog::warn("alerts: webhook {} to {}: {} (attempt {}, retrying)", d.id, d.target,
                     *a.error, a.attempts);
      }
    }
    store_.write(store::WriteLock::RowLevel,
                 [&](store::Conn& c) { store::record_alert_attempt(c, d.id, a); });
  }
  return attempts;
}

}  // namespace painel::jobs
