#include "obs/sd_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace painel::obs {
namespace {

// Sets (or with nullptr unsets) an environment variable for one test.
struct Env {
  std::string name;
  Env(const char* n, const char* v) : name(n) {
    if (v)
      ::setenv(n, v, 1);
    else
      ::unsetenv(n);
  }
  ~Env() { ::unsetenv(name.c_str()); }
};

TEST(SdNotify, WatchdogIntervalIsHalfOfWatchdogUsecForThisProcess) {
  Env pid("WATCHDOG_PID", nullptr);
  {
    Env us("WATCHDOG_USEC", "30000000");
    ASSERT_TRUE(sd_watchdog_interval());
    EXPECT_EQ(sd_watchdog_interval()->count(), 15000);
  }
  {
    Env us("WATCHDOG_USEC", "30000000");
    Env other("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str());
    EXPECT_FALSE(sd_watchdog_interval());  // meant for another process
  }
  {
    Env us("WATCHDOG_USEC", "30000000");
    Env mine("WATCHDOG_PID", std::to_string(::getpid()).c_str());
    EXPECT_TRUE(sd_watchdog_interval());
  }
  for (const char* bad : {"", "abc", "12x", "-5", "1000"}) {
    Env us("WATCHDOG_USEC", bad);
    EXPECT_FALSE(sd_watchdog_interval()) << bad;
  }
  Env none("WATCHDOG_USEC", nullptr);
  EXPECT_FALSE(sd_watchdog_interval());
}

TEST(SdNotify, SendsOneDatagramToNotifySocketAndNothingWithout) {
  {
    Env none("NOTIFY_SOCKET", nullptr);
    EXPECT_FALSE(sd_notify("READY=1"));
  }
  for (bool abstract : {false, true}) {
    std::string path = abstract ? "@painel-sd-test-" + std::to_string(::getpid())
                                : "/tmp/painel-sd-test-" + std::to_string(::getpid());
    int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (abstract) addr.sun_path[0] = '\0';
    ::unlink(path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr),
                     static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size())),
              0);
    Env sock("NOTIFY_SOCKET", path.c_str());
    EXPECT_TRUE(sd_notify("READY=1\nSTATUS=listening"));
    char buf[128] = {};
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "READY=1\nSTATUS=listening");
    ::close(fd);
    if (!abstract) ::unlink(path.c_str());
  }
}

}  // namespace
}  // namespace painel::obs
