#include "cli/commands.hpp"
namespace painel::cli {
int cmd_demo(const std::string&, int, int, uint64_t) { throw std::runtime_error("demo: not built yet"); }
int cmd_aggregate(const std::string&, const std::string&, const std::string&) { throw std::runtime_error("aggregate: not built yet"); }
}
