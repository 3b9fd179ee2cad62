#include "http/client_ip.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

#include "core/list.hpp"

namespace painel::http {
namespace {

std::string_view trim(std::string_view s) { return trim_blanks(s); }

// Parses an address into 16 bytes (IPv4 mapped); false when it is none.
bool to_bytes(std::string_view s, std::array<uint8_t, 16>& out) {
  if (s.empty() || s.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  in_addr v4;
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    out.fill(0);
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return true;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return true;
  }
  return false;
}

bool is_mapped_v4(const std::array<uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

std::string to_text(const std::array<uint8_t, 16>& a) {
  char buf[INET6_ADDRSTRLEN];
  if (is_mapped_v4(a)) return inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
  return inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
}

// One hop of Forwarded's for= ("192.0.2.1", "\"[2001:db8::1]:4711\"", "unknown") or of
// X-Forwarded-For ("192.0.2.1", "[2001:db8::1]:80", "192.0.2.1:1234").
std::string_view strip_hop(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    return close == std::string_view::npos ? std::string_view{} : v.substr(1, close - 1);
  }
  // "a.b.c.d:port": one colon means a port; IPv6 has several.
  auto colon = v.find(':');
  if (colon != std::string_view::npos && v.find(':', colon + 1) == std::string_view::npos)
    v = v.substr(0, colon);
  return v;
}

// The hops a request passed through, client first, from every X-Forwarded-For header in
// order; or, without one, from Forwarded's for= parameters.
std::vector<std::string_view> hops_of(const Fields& headers) {
  std::vector<std::string_view> hops;
  auto split_into = [&hops](std::string_view v, bool forwarded) {
    while (!v.empty() && hops.size() < 64) {
      auto comma = v.find(',');
      std::string_view elem = v.substr(0, comma);
      v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
      if (!forwarded) {
        hops.push_back(strip_hop(elem));
        continue;
      }
      std::string_view hop;  // empty: this element has no for= (still a hop we can't read)
      while (!elem.empty()) {
        auto semi = elem.find(';');
        std::string_view pair = trim(elem.substr(0, semi));
        elem = semi == std::string_view::npos ? std::string_view{} : elem.substr(semi + 1);
        if (pair.size() > 4 && (pair.substr(0, 4) == "for=" || pair.substr(0, 4) == "For=" ||
                                pair.substr(0, 4) == "FOR="))
          hop = strip_hop(pair.substr(4));
      }
      hops.push_back(hop);
    }
  };
  for (auto& [k, v] : headers)
    if (k == "x-forwarded-for") split_into(v, false);
  if (hops.empty())
    for (auto& [k, v] : headers)
      if (k == "forwarded") split_into(v, true);
  return hops;
}

}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view csv) {
  TrustedProxies t;
  for (std::string_view item : comma_list(csv)) {
    Net n{};
    auto slash = item.find('/');
    std::string_view addr = item.substr(0, slash);
    if (!to_bytes(addr, n.addr))
      throw std::invalid_argument("--trusted-proxies: not an address: " + std::string(item));
    bool v4 = addr.find(':') == std::string_view::npos;
    int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string_view::npos) {
      std::string_view p = item.substr(slash + 1);
      prefix = 0;
      if (p.empty() || p.size() > 3) prefix = -1;
      for (char c : p)
        prefix = (c >= '0' && c <= '9' && prefix >= 0) ? prefix * 10 + (c - '0') : -1;
      if (prefix < 0 || prefix > max)
        throw std::invalid_argument("--trusted-proxies: bad prefix length: " + std::string(item));
    }
    n.prefix = v4 ? prefix + 96 : prefix;
    t.nets_.push_back(n);
  }
  return t;
}

bool TrustedProxies::contains(std::string_view ip) const {
  std::array<uint8_t, 16> a;
  if (nets_.empty() || !to_bytes(ip, a)) return false;
  for (auto& n : nets_) {
    int bits = n.prefix, i = 0;
    for (; bits >= 8; bits -= 8, ++i)
      if (a[i] != n.addr[i]) break;
    if (bits >= 8) continue;
    if (bits == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) == (n.addr[i] & mask)) return true;
  }
  return false;
}

std::string TrustedProxies::client_ip(const std::string& peer, const Fields& headers) const {
  if (!contains(peer)) return peer;
  std::string client = peer;
  auto hops = hops_of(headers);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto ip = canonical_ip(*it);
    if (!ip) break;  // unreadable ("unknown", garbage): the proxy that wrote it is the client
    client = *ip;
    if (!contains(client)) break;
  }
  return client;
}

std::optional<std::string> canonical_ip(std::string_view s) {
  std::array<uint8_t, 16> a;
  if (!to_bytes(s, a)) return std::nullopt;
  return to_text(a);
}

}  // namespace painel::http
