#pragma once
// Commands that write through the API's shared writes (api/catalog_writes, api/user_writes)
// turn their refusals into exit codes: 400 is a bad argument (UsageError, exit 2); 404, 409,
// 422 a refusal (exit 1).
#include <stdexcept>

#include "cli/subcommands.hpp"
#include "core/error.hpp"

namespace painel::cli {

template <class F>
auto through_api(F f) {
  try {
    return f();
  } catch (const ApiError& e) {
    if (e.status == 400) throw UsageError(e.detail);
    throw std::runtime_error(e.detail);
  }
}

}  // namespace painel::cli
