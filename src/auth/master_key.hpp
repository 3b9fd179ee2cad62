#pragma once
// The master key that seals signing keys and integration credentials at rest.
#include <string>

#include "core/config.hpp"

namespace painel::auth {

// Resolves the master key, in this order: --master-key (PAINEL_MASTER_KEY); the file named
// by --master-key-file (PAINEL_MASTER_KEY_FILE); for SQLite only, master.key beside the
// database, created 0600 (O_EXCL) with a random key on first start. A key file that its
// group or others may read, write or run is refused. Returns 32 bytes. Throws
// std::invalid_argument (exit 2) with a one-line message when it cannot.
std::string resolve_master_key(const Config& cfg);

}  // namespace painel::auth
