"""`make deb` (scripts/build-deb.sh): the package is lintian clean (each override in
packaging/deb/lintian-overrides says why), its unit passes `systemd-analyze verify` and
is hardened, and its binary, unpacked into a throwaway root (dpkg -x), serves the web UI
from the packaged path with no --web-dir. Registered in ctest as package.deb."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402

UNIT = "lib/systemd/system/painel.service"


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("dpkg-deb", "dpkg-shlibdeps", "lintian", "systemd-analyze"):
            if not shutil.which(tool):
                raise AssertionError(f"{tool} is missing: run make setup (scripts/setup.sh)")
        cls.tmp = tempfile.mkdtemp(prefix="painel-deb-")
        build = os.path.dirname(os.path.abspath(BIN))
        r = run(os.path.join(SRC, "scripts/build-deb.sh"), build, cls.tmp)
        if r.returncode != 0:
            raise AssertionError("build-deb.sh failed: " + r.stderr)
        cls.deb = r.stdout.strip().splitlines()[-1]
        cls.root = os.path.join(cls.tmp, "root")
        r = run("dpkg", "-x", cls.deb, cls.root)
        assert r.returncode == 0, r.stderr
        cls.version = run(BIN, "version", "--json").stdout

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        return run("dpkg-deb", "-f", self.deb, name).stdout.strip()

    def test_name_version_and_control_fields(self):
        version = re.search(r'"version":"([^"]+)"', self.version).group(1)
        self.assertEqual(os.path.basename(self.deb), f"painel_{version}_amd64.deb")
        self.assertEqual(self.field("Package"), "painel")
        self.assertEqual(self.field("Version"), version)
        self.assertEqual(self.field("Architecture"), "amd64")
        depends = self.field("Depends")
        for lib in ("libc6", "libsqlite3-0", "libpq5", "libssl3", "adduser"):
            self.assertIn(lib, depends)
        r = run("dpkg-deb", "--info", self.deb, "conffiles")
        self.assertEqual(r.stdout.split(), ["/etc/painel/painel.env"])

    def test_files_modes_and_owners(self):
        listing = {line.split()[-1].lstrip("."): line.split()[:2]
                   for line in run("dpkg-deb", "-c", self.deb).stdout.splitlines()}
        self.assertEqual(listing["/usr/bin/painel"], ["-rwxr-xr-x", "root/root"])
        self.assertEqual(listing["/etc/painel/painel.env"], ["-rw-r-----", "root/root"])
        self.assertEqual(listing["/" + UNIT], ["-rw-r--r--", "root/root"])
        self.assertIn("/usr/share/painel/web/index.html", listing)
        self.assertTrue(any(p.startswith("/usr/share/painel/web/assets/") and p.endswith(".js.br")
                            for p in listing), "precompressed assets are packaged")
        self.assertEqual(listing["/usr/share/man/man1/painel.1.gz"], ["-rw-r--r--", "root/root"])
        self.assertEqual(listing["/usr/share/bash-completion/completions/painel"],
                         ["-rw-r--r--", "root/root"])
        # The user, its state directory (0700) and the settings' group come from postinst.
        with open(os.path.join(SRC, "packaging/deb/postinst")) as f:
            postinst = f.read()
        self.assertIn("adduser --system --group", postinst)
        self.assertIn("install -d -m 0700 -o painel -g painel /var/lib/painel", postinst)
        self.assertIn("chown root:painel /etc/painel/painel.env", postinst)
        for script in ("postinst", "prerm", "postrm"):
            r = run("sh", "-n", os.path.join(SRC, "packaging/deb", script))
            self.assertEqual(r.returncode, 0, script + ": " + r.stderr)

    def test_lintian_clean(self):
        r = run("lintian", "--fail-on", "error,warning", "--tag-display-limit", "0", self.deb)
        tags = [line for line in r.stdout.splitlines() if re.match(r"^[EW]: ", line)]
        self.assertEqual((r.returncode, tags), (0, []), r.stdout + r.stderr)

    def test_unit_verifies_and_is_hardened(self):
        unit = os.path.join(self.root, UNIT)
        # The throwaway root stands for a Debian system: it needs the system's own units
        # (sysinit.target, …) beside the package's; cp -n keeps the packaged unit.
        r = run("cp", "-an", "/lib/systemd/system/.", os.path.dirname(unit))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("systemd-analyze", "verify", f"--root={self.root}", unit)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("painel.service:", r.stderr)  # no warning about our unit
        with open(unit) as f:
            settings = dict(re.findall(r"^(\w+)=(.*)$", f.read(), re.M))
        want = {"Type": "notify", "NotifyAccess": "main", "WatchdogSec": "30s",
                "User": "painel", "NoNewPrivileges": "yes",
                "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                "ReadWritePaths": "/var/lib/painel", "CapabilityBoundingSet": "",
                "Restart": "on-failure", "EnvironmentFile": "/etc/painel/painel.env",
                "ExecStart": "/usr/bin/painel serve"}
        self.assertEqual({k: settings.get(k) for k in want}, want)

    def test_man_page_and_completion_come_from_the_cli(self):
        import gzip
        with gzip.open(os.path.join(self.root, "usr/share/man/man1/painel.1.gz"), "rt") as f:
            page = f.read()
        self.assertEqual(page, run(BIN, "man").stdout)
        for text in (".TH PAINEL 1", '.SS "painel restore"', "\\-\\-backup\\-dir", "PAINEL_BACKUP_DIR"):
            self.assertIn(text, page)
        self.assertNotIn("backup\\-clock\\-step", page)  # hidden test knobs stay hidden
        if shutil.which("man"):
            r = run("man", "-l", "-Tutf8", os.path.join(self.root, "usr/share/man/man1/painel.1.gz"),
                    env=dict(os.environ, MANWIDTH="100"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("warning", r.stderr)
        script = os.path.join(self.root, "usr/share/bash-completion/completions/painel")
        # Completing `painel rest` and `painel restore --f` in a real bash.
        probe = (f"source {script}; COMP_WORDS=(painel rest); COMP_CWORD=1; _painel; echo \"${{COMPREPLY[*]}}\"; "
                 "COMP_WORDS=(painel restore --f); COMP_CWORD=2; _painel; echo \"${COMPREPLY[*]}\"; "
                 "COMP_WORDS=(painel tenants cr); COMP_CWORD=2; _painel; echo \"${COMPREPLY[*]}\"")
        r = run("bash", "-c", probe)
        self.assertEqual(r.stdout.splitlines(), ["restore", "--force", "create"], r.stderr)

    def test_packaged_binary_serves_the_packaged_ui(self):
        binary = os.path.join(self.root, "usr/bin/painel")
        web = os.path.join(self.root, "usr/share/painel/web")
        p = Painel(bin=binary, web_dir="", cwd=self.tmp)
        try:
            p.start()
            r = p.get("/app/")
            self.assertEqual(r.status, 200)
            with open(os.path.join(web, "index.html")) as f:
                self.assertEqual(r.body, f.read())
            # Relative to the page's <base href="/app/"> (one build for any --public-url path).
            asset = "/app/" + re.search(r'src="\./(assets/[^"]+\.js)"', r.body).group(1)
            r = p.get(asset, headers={"Accept-Encoding": "br"})
            self.assertEqual((r.status, r.headers.get("content-encoding")), (200, "br"))
            with open(p.log.name) as f:
                self.assertIn(f"serving the web UI from {web}", f.read())
            self.assertEqual(p.get("/healthz").json()["version"],
                             re.search(r'"version":"([^"]+)"', self.version).group(1))
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
