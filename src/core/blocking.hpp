#pragma once
// Inline request handling. The network threads answer some GETs themselves (a cached
// answer found with a verified-token cache hit and an in-process rate-limit bucket:
// microseconds of work) and hand everything else to the handler pool. That path is built
// to read memory only (api/app.cpp, App::inline_answer): it decides "not inline" before
// anything slow, without throwing. Code that may block or burn CPU — any store
// connection, Redis, a signature check — calls may_block() first as an assertion: reached
// during an inline attempt it is a bug, which aborts a debug build and is counted (and
// reported once on stderr) in a release build. Elsewhere it costs one thread-local read.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace painel {

namespace detail {
inline thread_local bool g_inline_attempt = false;
inline std::atomic<uint64_t> g_blocking_slips{0};

[[gnu::cold, gnu::noinline]] inline void blocking_call_on_network_thread() {
#ifndef NDEBUG
  std::fputs("painel: a blocking call during an inline attempt (core/blocking.hpp)\n", stderr);
  std::abort();
#else
  if (g_blocking_slips.fetch_add(1, std::memory_order_relaxed) == 0)
    std::fputs("painel: a blocking call during an inline attempt (core/blocking.hpp)\n", stderr);
#endif
}
}  // namespace detail

inline void may_block() {
  if (detail::g_inline_attempt) detail::blocking_call_on_network_thread();
}

inline bool in_inline_attempt() { return detail::g_inline_attempt; }

// How many blocking calls were made during inline attempts (release builds; 0 when sound).
inline uint64_t blocking_slips() { return detail::g_blocking_slips.load(); }

// Marks the current thread as running an inline attempt for its lifetime.
class InlineAttempt {
 public:
  InlineAttempt() { detail::g_inline_attempt = true; }
  ~InlineAttempt() { detail::g_inline_attempt = false; }
  InlineAttempt(const InlineAttempt&) = delete;
  InlineAttempt& operator=(const InlineAttempt&) = delete;
};

}  // namespace painel
