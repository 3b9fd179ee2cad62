#pragma once
// Inline request handling. The network threads try to answer a GET themselves (a cached
// answer, a verified-token cache hit, an in-process rate-limit bucket: microseconds of
// work) and hand the request to the handler pool only when it needs something slow. Code
// that may block or burn CPU — any store connection, Redis, signature verification on a
// token-cache miss, long-polling — calls may_block() first: on a network thread's inline
// attempt it throws WouldBlock, the attempt is abandoned before any side effect, and the
// request is re-run on the pool. Elsewhere may_block() costs one thread-local read.
namespace painel {

// Deliberately not a std::exception, so `catch (const std::exception&)` blocks let it pass.
struct WouldBlock {};

namespace detail {
inline thread_local bool g_inline_attempt = false;
}

inline void may_block() {
  if (detail::g_inline_attempt) throw WouldBlock{};
}

inline bool in_inline_attempt() { return detail::g_inline_attempt; }

// Marks the current thread as running an inline attempt for its lifetime.
class InlineAttempt {
 public:
  InlineAttempt() { detail::g_inline_attempt = true; }
  ~InlineAttempt() { detail::g_inline_attempt = false; }
  InlineAttempt(const InlineAttempt&) = delete;
  InlineAttempt& operator=(const InlineAttempt&) = delete;
};

}  // namespace painel
