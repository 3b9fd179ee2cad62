#pragma once
// Progress of a long operator command (`painel aggregate`, `painel copy`) on stderr: on a
// terminal a bar redrawn in place; otherwise callers print plain log lines, and this gives
// them the same rate and ETA figures.
#include <chrono>
#include <cstdint>
#include <string>

namespace painel::cli {

class Progress {
 public:
  explicit Progress(int64_t total);  // total units of work (days, rows)
  bool on_terminal() const { return tty_; }
  double seconds() const;
  // n per second so far (n may count something else than the bar's units, e.g. events).
  double per_second(int64_t n) const;
  // Seconds left at the pace so far, `done` of the total units being done.
  double eta(int64_t done) const;
  // On a terminal: "[#####     ] text" for `done` of the total, at most ten redraws a second;
  // the final one is always drawn and ends the line. Does nothing elsewhere.
  void draw(int64_t done, const std::string& text, bool final);

 private:
  int64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_{};
};

}  // namespace painel::cli
