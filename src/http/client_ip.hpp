#pragma once
// The client's address behind reverse proxies. X-Forwarded-For and Forwarded are honoured
// only when the TCP peer is one of the configured trusted proxies (--trusted-proxies);
// otherwise anyone could claim any address and dodge per-IP throttling. The address used
// by throttling, audit rows and access logs is the rightmost hop that is not itself a
// trusted proxy: hops to its left were written by the client and prove nothing.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace painel::http {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8"; throws std::invalid_argument naming a bad entry.
  static TrustedProxies parse(std::string_view csv);
  bool empty() const { return nets_.empty(); }
  bool contains(std::string_view ip) const;
  // `peer` is the TCP peer's address text; `headers` lower-cased (Request::headers).
  std::string client_ip(const std::string& peer, const Fields& headers) const;

 private:
  struct Net {
    std::array<uint8_t, 16> addr;  // IPv4 as ::ffff:a.b.c.d
    int prefix;                    // in bits of the 128
  };
  std::vector<Net> nets_;
};

// An address in canonical text form ("192.0.2.1", "2001:db8::1"), or nullopt when `s` is
// not one. IPv4-mapped IPv6 addresses are returned as IPv4.
std::optional<std::string> canonical_ip(std::string_view s);

}  // namespace painel::http
