// `painel version [--json]`: what this binary is (core/build_info.hpp), for an operator or
// a deploy script; `painel --version` prints the same line.
#include <iostream>

#include "cli/subcommands.hpp"
#include "core/build_info.hpp"
#include "core/json.hpp"

namespace painel::cli {

int cmd_version(bool json) {
  if (!json) {
    std::cout << build_info_line() << "\n";
    return 0;
  }
  JsonOut j;
  j.begin_object();
  write_build_info(j);
  j.end_object();
  std::cout << j.take() << "\n";
  return 0;
}

}  // namespace painel::cli
