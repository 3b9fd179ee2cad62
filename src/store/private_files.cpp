#include "store/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/db.hpp"

namespace painel::store {

void create_private_dirs(const std::string& dir) {
  if (dir.empty()) return;
  std::filesystem::path p(dir);
  if (std::filesystem::exists(p)) return;
  if (p.has_parent_path() && p.parent_path() != p) create_private_dirs(p.parent_path().string());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw DbError(DbError::Kind::Other,
                  "cannot create directory " + dir + ": " + std::strerror(errno));
}

void create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno != EEXIST)
    throw DbError(DbError::Kind::Other, "cannot create " + path + ": " + std::strerror(errno));
}

bool shared_with_others(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0;
}

}  // namespace painel::store
