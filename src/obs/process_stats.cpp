#include "obs/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace painel::obs {
namespace {

// Seconds since the epoch at boot (`btime` of /proc/stat): a process's start time is
// counted in clock ticks from there.
double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double v = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> v;
      return v;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

ProcessStats read_process_stats() {
  ProcessStats s;
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (std::getline(in, line) && ticks > 0) {
    // The command name (field 2) may hold spaces and parentheses: fields are counted from
    // the last ')'. After it come field 3 (state) onwards.
    auto close = line.rfind(')');
    std::istringstream f(close == std::string::npos ? "" : line.substr(close + 2));
    std::string v[22];  // fields 3..24
    for (auto& x : v) f >> x;
    auto num = [&](int field) { return v[field - 3].empty() ? 0.0 : std::stod(v[field - 3]); };
    s.cpu_seconds = (num(14) + num(15)) / ticks;
    s.start_time_seconds = boot_time_seconds() + num(22) / ticks;
    s.virtual_memory_bytes = num(23);
    s.resident_memory_bytes = num(24) * page;
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    s.open_fds += 1;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
    s.max_fds = rl.rlim_cur == RLIM_INFINITY ? 0 : static_cast<double>(rl.rlim_cur);
  return s;
}

std::optional<double> process_value(const ProcessStats& s, std::string_view name) {
  if (name == "process_cpu_seconds_total") return s.cpu_seconds;
  if (name == "process_resident_memory_bytes") return s.resident_memory_bytes;
  if (name == "process_virtual_memory_bytes") return s.virtual_memory_bytes;
  if (name == "process_open_fds") return s.open_fds;
  if (name == "process_max_fds") return s.max_fds;
  if (name == "process_start_time_seconds") return s.start_time_seconds;
  return std::nullopt;
}

}  // namespace painel::obs
