#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace painel::cli {

Progress::Progress(int64_t total)
    : total_(std::max<int64_t>(total, 0)),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::per_second(int64_t n) const {
  double s = seconds();
  return s > 0 ? static_cast<double>(n) / s : 0;
}

double Progress::eta(int64_t done) const {
  if (done <= 0) return 0;
  return seconds() / static_cast<double>(done) *
         static_cast<double>(std::max<int64_t>(total_ - done, 0));
}

// \033[K clears what a longer previous line left behind.
void Progress::draw(int64_t done, const std::string& text, bool final) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int64_t kWidth = 30;
  int64_t filled = total_ > 0 ? kWidth * std::clamp<int64_t>(done, 0, total_) / total_ : kWidth;
  std::fprintf(stderr, "\r[%s%s] %s\033[K", std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kWidth - filled), ' ').c_str(), text.c_str());
  if (final) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace painel::cli
