#include "core/build_info.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <boost/version.hpp>
#include <string_view>

#include "core/json.hpp"

namespace painel {
namespace build_stamp {  // generated at build time (build/generated/build_stamp.cpp)
std::string_view version();
std::string_view commit();
std::string_view build_type();
}  // namespace build_stamp

namespace {

// PQlibVersion(): major * 10000 + minor since PostgreSQL 10 (150005 → "15.5").
std::string libpq_version() {
  int v = PQlibVersion();
  return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
}

std::string boost_version() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100);
}

}  // namespace

const BuildInfo& build_info() {
  static const BuildInfo info{std::string(build_stamp::version()),
                              std::string(build_stamp::commit()),
                              std::string(build_stamp::build_type()),
                              sqlite3_libversion(),
                              libpq_version(),
                              boost_version()};
  return info;
}

std::string build_info_line() {
  const auto& b = build_info();
  return "painel " + b.version + " (commit " + b.commit + ", " + b.build_type + ") SQLite " +
         b.sqlite + ", libpq " + b.libpq + ", Boost " + b.boost;
}

void write_build_info(JsonOut& j) {
  const auto& b = build_info();
  j.kv("version", b.version)
      .kv("commit", b.commit)
      .kv("build_type", b.build_type)
      .kv("sqlite", b.sqlite)
      .kv("libpq", b.libpq)
      .kv("boost", b.boost);
}

std::string build_info_labels() {
  // Every value is a version string or a git hash: no quote or backslash to escape.
  const auto& b = build_info();
  return "version=\"" + b.version + "\",commit=\"" + b.commit + "\",build_type=\"" + b.build_type +
         "\",sqlite=\"" + b.sqlite + "\",libpq=\"" + b.libpq + "\",boost=\"" + b.boost + "\"";
}

}  // namespace painel
