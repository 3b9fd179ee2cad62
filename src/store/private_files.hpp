#pragma once
// Files the store writes hold every tenant's data: they are created private to the
// service account (0600 files, 0700 directories) whatever the process umask.
#include <string>

namespace painel::store {

// Creates `dir` and its missing parents; the directories it creates are 0700.
void create_private_dirs(const std::string& dir);
// Creates `path` empty with mode 0600 unless it exists (an existing file keeps its mode).
void create_private_file(const std::string& path);
// True when a group or others may read, write or run the existing file `path`.
bool shared_with_others(const std::string& path);

}  // namespace painel::store
