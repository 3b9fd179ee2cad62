#pragma once
// What this binary is: project version, git commit and build type (stamped at build time,
// cmake/build_info.cmake) and the versions of the libraries it runs with (SQLite and libpq
// as loaded, Boost as compiled in). One source for `painel --version`, `painel version
// --json`, /healthz and the painel_build_info metric.
#include <string>

namespace painel {

class JsonOut;

struct BuildInfo {
  std::string version, commit, build_type, sqlite, libpq, boost;
};

const BuildInfo& build_info();
// "painel 1.0.0 (commit 1c4bb07c86b5, RelWithDebInfo) SQLite 3.40.1, libpq 15.5, Boost 1.74.0"
std::string build_info_line();
// Writes "version", "commit", "build_type", "sqlite", "libpq", "boost" into an open object.
void write_build_info(JsonOut& j);
// The same fields as Prometheus label text (version="1.0.0",commit="…",…).
std::string build_info_labels();

}  // namespace painel
