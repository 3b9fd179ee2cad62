// Load generator for POST /ingest/usage (bench/ingest.sh): pre-generates every batch body
// (valid events, unique random event ids, occurred_at within the last hour) before the
// clock starts, then sends them over N keep-alive connections, one blocking thread each,
// and reports events/s and request latency. Plain sockets, no parsing beyond the status
// line, Content-Length and the "accepted" figure, so it costs far less CPU than the server.
//
// Usage: painel_ingest_load --port P --key KEY --pairs FILE [--host 127.0.0.1]
//          [--connections 4] [--batches 400] [--batch-size 1000] [--warmup 20]
//          [--ids v7|v4] [--jitter-ms 5000]
// FILE: one "tenant_id agent_id" pair per line (contracted agents).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::string host = "127.0.0.1", key, pairs;
  int port = 0, connections = 4, batches = 400, batch_size = 1000, warmup = 20;
  bool random_ids = false;   // --ids v4: random event ids; default v7 (time-ordered)
  int64_t jitter_ms = 5000;  // occurred_at: up to this long before sending
};

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--host")
      o.host = next();
    else if (a == "--port")
      o.port = std::stoi(next());
    else if (a == "--key")
      o.key = next();
    else if (a == "--pairs")
      o.pairs = next();
    else if (a == "--connections")
      o.connections = std::stoi(next());
    else if (a == "--batches")
      o.batches = std::stoi(next());
    else if (a == "--batch-size")
      o.batch_size = std::stoi(next());
    else if (a == "--warmup")
      o.warmup = std::stoi(next());
    else if (a == "--ids")
      o.random_ids = next() == "v4";
    else if (a == "--jitter-ms")
      o.jitter_ms = std::stoll(next());
    else
      throw std::runtime_error("unknown option " + a);
  }
  if (!o.port || o.key.empty() || o.pairs.empty())
    throw std::runtime_error("--port, --key and --pairs are required");
  return o;
}

// A random (v4) or time-ordered (v7: 48-bit milliseconds first, then random) UUID.
std::string uuid(std::mt19937_64& rng, bool v7, int64_t ms) {
  static const char* hex = "0123456789abcdef";
  uint64_t a = rng(), b = rng();
  if (v7) a = (static_cast<uint64_t>(ms) << 16) | (a & 0xffff);
  char s[37];
  int k = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s[k++] = '-';
    uint64_t w = i < 16 ? a : b;
    int nib = static_cast<int>((w >> (60 - 4 * (i % 16))) & 15);  // most significant first
    if (i == 12) nib = v7 ? 7 : 4;                                // version
    if (i == 16) nib = 8 | (nib & 3);                             // variant 10xx
    s[k++] = hex[nib];
  }
  s[k] = 0;
  return s;
}

std::string rfc3339(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

// Batch b of n is built as if sent 10 ms after batch b-1 (100 000 events/s), ending now:
// its events occurred up to --jitter-ms before that, and v7 ids carry that instant.
std::string make_request(const Options& o,
                         const std::vector<std::pair<std::string, std::string>>& pairs,
                         std::mt19937_64& rng, int64_t sent_ms) {
  std::string body = "{\"events\":[";
  body.reserve(static_cast<size_t>(o.batch_size) * 260);
  for (int i = 0; i < o.batch_size; ++i) {
    auto& [tenant, agent] = pairs[rng() % pairs.size()];
    bool ok = rng() % 100 >= 3;
    unsigned rt = 80 + static_cast<unsigned>(rng() % 3000),
             tokens = static_cast<unsigned>(rng() % 4000);
    unsigned cents = tokens / 20;
    char num[160];
    std::snprintf(
        num, sizeof num,
        "\",\"status\":\"%s\",\"response_time_ms\":%u,\"tokens_used\":%u,\"cost\":%u.%02u}",
        ok ? "success" : "error", rt, tokens, cents / 100, cents % 100);
    if (i) body += ',';
    body +=
        "{\"event_id\":\"" + uuid(rng, !o.random_ids, sent_ms) + "\",\"tenant_id\":\"" + tenant +
        "\",\"agent_id\":\"" + agent + "\",\"occurred_at\":\"" +
        rfc3339(sent_ms - static_cast<int64_t>(rng() % static_cast<uint64_t>(o.jitter_ms + 1))) +
        num;
  }
  body += "]}";
  std::string req =
      "POST /ingest/usage HTTP/1.1\r\nHost: " + o.host + "\r\nAuthorization: Bearer " + o.key +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n";
  return req + body;
}

int connect_to(const Options& o) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("--host must be an IPv4 address");
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  return fd;
}

struct Reply {
  int status = 0;
  long accepted = -1;
  std::string body;
};

// Sends one request and reads one response (Content-Length framing; the server always
// sends it for these answers).
Reply round_trip(int fd, const std::string& req, std::string& buf) {
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<size_t>(n);
  }
  buf.clear();
  size_t header_end = std::string::npos, need = 0;
  char tmp[16384];
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = buf.substr(0, header_end);
        for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto cl = head.find("content-length:");
        if (cl == std::string::npos) throw std::runtime_error("response without Content-Length");
        need = header_end + 4 + std::strtoul(head.c_str() + cl + 15, nullptr, 10);
      }
    }
    if (header_end != std::string::npos && buf.size() >= need) break;
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) throw std::runtime_error("connection closed by the server");
    buf.append(tmp, static_cast<size_t>(n));
  }
  Reply r;
  r.status = std::atoi(buf.c_str() + 9);  // "HTTP/1.1 NNN"
  r.body = buf.substr(header_end + 4, need - header_end - 4);
  auto a = r.body.find("\"accepted\":");
  if (a != std::string::npos) r.accepted = std::strtol(r.body.c_str() + a + 11, nullptr, 10);
  return r;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o = parse_args(argc, argv);
  std::vector<std::pair<std::string, std::string>> pairs;
  {
    std::ifstream in(o.pairs);
    std::string t, a;
    while (in >> t >> a) pairs.emplace_back(t, a);
  }
  if (pairs.empty()) throw std::runtime_error("no tenant/agent pairs in " + o.pairs);

  const int total = o.warmup + o.batches;
  std::vector<std::string> requests(static_cast<size_t>(total));
  {
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::mt19937_64 rng(std::random_device{}());
    for (int b = 0; b < total; ++b)
      requests[static_cast<size_t>(b)] = make_request(o, pairs, rng, now_ms - (total - b) * 10);
  }
  size_t bytes = 0;
  for (auto& r : requests) bytes += r.size();
  std::fprintf(stderr, "ingest_load: %d batches of %d events pre-generated (%.1f MB), %zu pairs\n",
               total, o.batch_size, static_cast<double>(bytes) / 1e6, pairs.size());

  // Warm-up (statement caches, page cache) on one connection, outside the timing.
  {
    int fd = connect_to(o);
    std::string buf;
    for (int i = 0; i < o.warmup; ++i) {
      auto r = round_trip(fd, requests[static_cast<size_t>(i)], buf);
      if (r.status != 202)
        throw std::runtime_error("warm-up got " + std::to_string(r.status) + ": " + r.body);
    }
    close(fd);
  }

  std::atomic<int> next{o.warmup};
  std::atomic<long> accepted{0}, failures{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(o.connections));
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      int fd = connect_to(o);
      std::string buf;
      for (;;) {
        int i = next.fetch_add(1);
        if (i >= total) break;
        auto s = std::chrono::steady_clock::now();
        auto r = round_trip(fd, requests[static_cast<size_t>(i)], buf);
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s)
                .count());
        if (r.status != 202) {
          if (failures++ == 0)
            std::fprintf(stderr, "ingest_load: HTTP %d: %s\n", r.status, r.body.c_str());
        } else {
          accepted += r.accepted;
        }
      }
      close(fd);
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "connections=%d batches=%d batch_size=%d seconds=%.2f accepted=%ld failures=%ld "
      "events_per_s=%.0f batch_p50_ms=%.1f batch_p99_ms=%.1f\n",
      o.connections, o.batches, o.batch_size, secs, accepted.load(), failures.load(),
      static_cast<double>(accepted.load()) / secs, pct(0.5), pct(0.99));
  return failures ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "ingest_load: %s\n", e.what());
  return 2;
}
