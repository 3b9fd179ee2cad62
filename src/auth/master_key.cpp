#include "auth/master_key.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/crypto.hpp"
#include "store/private_files.hpp"

namespace painel::auth {
namespace {

std::invalid_argument refuse(const std::string& why) { return std::invalid_argument(why); }

// Reads a key file that only its owner may use. The mode is checked on the open file, so
// the file checked is the file read.
std::string read_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw refuse("cannot read master key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw refuse("master key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw refuse("master key file " + path + " is accessible by group or others (mode " + mode +
                 "); run: chmod 600 " + path);
  }
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && s.size() < 65536)
    s.append(buf, static_cast<size_t>(n));
  ::close(fd);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.empty()) throw refuse("master key file " + path + " is empty");
  return s;
}

// Creates `path` 0600 holding a new random key; false if it already exists.
bool create_key_file(const std::string& path, const std::string& secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw refuse("cannot create master key file " + path + ": " + std::strerror(errno));
  }
  std::string text = secret + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw refuse("cannot write master key file " + path);
  }
  return true;
}

}  // namespace

std::string resolve_master_key(const Config& cfg) {
  if (!cfg.master_key.empty() && !cfg.master_key_file.empty())
    throw refuse("give the master key once: --master-key or --master-key-file, not both");
  if (!cfg.master_key.empty()) return derive_master_key(cfg.master_key);
  if (!cfg.master_key_file.empty())
    return derive_master_key(read_private_file(cfg.master_key_file));
  if (cfg.database.rfind("postgres", 0) == 0)
    throw refuse(
        "PAINEL_MASTER_KEY or PAINEL_MASTER_KEY_FILE (--master-key, --master-key-file) is "
        "required with PostgreSQL");
  std::string db = cfg.database.rfind("sqlite:", 0) == 0 ? cfg.database.substr(7) : cfg.database;
  auto dir = std::filesystem::path(db).parent_path();
  store::create_private_dirs(dir.string());  // the store's directory, made before the store
  auto file = (dir / "master.key").string();
  std::string secret = random_token(32);
  if (create_key_file(file, secret)) {
    spdlog::warn(
        "no master key given: generated one in {} (set PAINEL_MASTER_KEY_FILE in production)",
        file);
    return derive_master_key(secret);
  }
  return derive_master_key(read_private_file(file));
}

}  // namespace painel::auth
