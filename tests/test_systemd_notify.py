"""`painel serve` under systemd's Type=notify (packaging/deb/painel.service): READY=1 once it
listens, WATCHDOG=1 repeatedly when WatchdogSec= is set, STOPPING=1 at SIGTERM; the
datagrams arrive on a socket of ours named by NOTIFY_SOCKET, as systemd would read them."""
import os
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402


class SystemdNotify(unittest.TestCase):
    def test_ready_watchdog_and_stopping(self):
        d = tempfile.mkdtemp(prefix="painel-notify-")
        path = os.path.join(d, "notify.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(20)
        p = Painel(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"}).start()
        try:
            first = sock.recv(4096).decode()
            self.assertTrue(first.startswith("READY=1\n"), first)
            self.assertIn(f"STATUS=listening on http://127.0.0.1:{p.port}", first)
            self.assertEqual(p.get("/healthz").status, 200)
            for _ in range(3):  # every 100 ms (half of WATCHDOG_USEC) while serving
                self.assertEqual(sock.recv(4096).decode(), "WATCHDOG=1")
            self.assertEqual(p.stop(), 0)
            seen = []
            while True:
                msg = sock.recv(4096).decode()
                seen.append(msg)
                if msg != "WATCHDOG=1":
                    break
            self.assertEqual(seen[-1], "STOPPING=1")
        finally:
            p.cleanup()
            sock.close()
            os.unlink(path)
            os.rmdir(d)

    def test_silent_outside_systemd(self):
        p = Painel(env={"NOTIFY_SOCKET": "", "WATCHDOG_USEC": ""}).start()
        try:
            self.assertEqual(p.get("/healthz").status, 200)
            self.assertEqual(p.stop(), 0)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
