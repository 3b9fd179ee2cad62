#pragma once
// Bounds the password verifications (argon2id: ~64 MiB and tens of ms of CPU each) in
// flight, so a login flood cannot starve the handler pool that serves reads. At most
// `capacity` verify at once; at most `max_waiting` wait, each for at most max_wait_ms;
// anyone else is refused at once (the caller answers 503 with Retry-After).
//
// Two lanes: attempts from an IP with many recent failures (Lane::Slow) are admitted only
// when no normal attempt waits, and one at a time. That is the per-IP slow-down: it
// lowers a guessing IP's priority without ever refusing its correct passwords outright.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace painel::auth {

class LoginGate {
 public:
  enum class Lane { Normal, Slow };
  struct Options {
    int capacity = 1;
    int max_waiting = 2;
    int64_t max_wait_ms = 2000;
  };
  struct Stats {
    int in_flight = 0;
    int waiting = 0;
    int max_in_flight = 0;  // high-water mark since start
    uint64_t admitted = 0;
    uint64_t refused = 0;
  };

  // Releases its slot when destroyed.
  class Permit {
   public:
    explicit Permit(LoginGate* g) : gate_(g) {}
    Permit(Permit&& o) noexcept : gate_(o.gate_), slow_(o.slow_) { o.gate_ = nullptr; }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    Permit& operator=(Permit&&) = delete;
    ~Permit();

   private:
    friend class LoginGate;
    LoginGate* gate_;
    bool slow_ = false;
  };

  explicit LoginGate(Options o);
  // nullopt: busy (too many waiting, or no slot within max_wait_ms).
  std::optional<Permit> acquire(Lane lane);
  Stats stats() const;
  const Options& options() const { return opt_; }

 private:
  void release(bool slow);
  bool admissible(Lane lane) const;

  const Options opt_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int waiting_normal_ = 0, waiting_slow_ = 0, slow_in_flight_ = 0;
  Stats stats_;
};

// The default capacity: half the cores, at least one.
int default_login_concurrency();

}  // namespace painel::auth
