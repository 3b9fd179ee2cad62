#pragma once
// The manual page and the bash completion, generated from the CLI11 definitions (hidden
// options and commands, those in the empty group, are left out of both).
#include <CLI/CLI.hpp>
#include <string>

namespace painel::cli {
std::string man_page(const CLI::App& app);         // roff, section 1
std::string bash_completion(const CLI::App& app);  // a script for bash-completion
}  // namespace painel::cli
