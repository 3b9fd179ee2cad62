#pragma once
// systemd's readiness and watchdog protocol (sd_notify(3)), without libsystemd: one
// datagram per state to the AF_UNIX socket named by $NOTIFY_SOCKET. Outside systemd
// (no $NOTIFY_SOCKET) every call is a no-op.
#include <chrono>
#include <optional>
#include <string_view>

namespace painel::obs {

// Sends `state` ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=…", newline-separated).
// Returns false when not under systemd or the send failed.
bool sd_notify(std::string_view state);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC (systemd's WatchdogSec=), when it is
// set for this process ($WATCHDOG_PID absent or ours); nullopt otherwise.
std::optional<std::chrono::milliseconds> sd_watchdog_interval();

}  // namespace painel::obs
