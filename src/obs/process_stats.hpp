#pragma once
// The process_* metrics of the Prometheus conventions, read from /proc/self (Linux) at each
// scrape: nothing is sampled in the background.
#include <optional>
#include <string_view>

namespace painel::obs {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double open_fds = 0;
  double max_fds = 0;
  double start_time_seconds = 0;  // Unix time
};

ProcessStats read_process_stats();
// The value of the process_* family `name` in `s`; nullopt for another name.
std::optional<double> process_value(const ProcessStats& s, std::string_view name);

}  // namespace painel::obs
