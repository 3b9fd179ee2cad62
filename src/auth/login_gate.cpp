#include "auth/login_gate.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace painel::auth {

int default_login_concurrency() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
}

LoginGate::LoginGate(Options o) : opt_(o) {}

LoginGate::Permit::~Permit() {
  if (gate_) gate_->release(slow_);
}

bool LoginGate::admissible(Lane lane) const {
  if (stats_.in_flight >= opt_.capacity) return false;
  return lane == Lane::Normal || (waiting_normal_ == 0 && slow_in_flight_ == 0);
}

std::optional<LoginGate::Permit> LoginGate::acquire(Lane lane) {
  const bool slow = lane == Lane::Slow;
  std::unique_lock lk(mu_);
  if (!admissible(lane)) {
    if (waiting_normal_ + waiting_slow_ >= opt_.max_waiting) {
      ++stats_.refused;
      return std::nullopt;
    }
    int& waiting = slow ? waiting_slow_ : waiting_normal_;
    ++waiting;
    bool ok = cv_.wait_for(lk, std::chrono::milliseconds(opt_.max_wait_ms),
                           [&] { return admissible(lane); });
    --waiting;
    if (!ok) {
      ++stats_.refused;
      cv_.notify_all();  // a slow waiter may be admissible now that this one left
      return std::nullopt;
    }
  }
  ++stats_.in_flight;
  ++stats_.admitted;
  stats_.max_in_flight = std::max(stats_.max_in_flight, stats_.in_flight);
  if (slow) ++slow_in_flight_;
  Permit p(this);
  p.slow_ = slow;
  return p;
}

void LoginGate::release(bool slow) {
  {
    std::lock_guard lk(mu_);
    --stats_.in_flight;
    if (slow) --slow_in_flight_;
  }
  cv_.notify_all();
}

LoginGate::Stats LoginGate::stats() const {
  std::lock_guard lk(mu_);
  Stats s = stats_;
  s.waiting = waiting_normal_ + waiting_slow_;
  return s;
}

}  // namespace painel::auth
