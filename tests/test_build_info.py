"""What is running: `painel --version`, `painel version --json`, /healthz and the
painel_build_info metric give the same version, git commit, build type and library
versions (src/core/build_info.cpp); cmake/build_info.cmake stamps the commit at build
time, "unknown" outside a git checkout of its own."""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402

FIELDS = ("version", "commit", "build_type", "sqlite", "libpq", "boost")


def project_version():
    with open(os.path.join(SRC, "CMakeLists.txt")) as f:
        return re.search(r"project\(painel VERSION (\S+)", f.read()).group(1)


def painel(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


def version_json():
    r = painel("version", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def stamp(src, env=None, commit=""):
    """Runs cmake/build_info.cmake over `src` as the build does; returns the commit it wrote."""
    with tempfile.TemporaryDirectory() as out:
        path = os.path.join(out, "stamp.cpp")
        r = subprocess.run(["cmake", f"-DSRC={src}", f"-DOUT={path}", "-DVERSION=9.8.7",
                            "-DBUILD_TYPE=Release", f"-DPAINEL_GIT_COMMIT={commit}", "-P",
                            os.path.join(SRC, "cmake/build_info.cmake")],
                           capture_output=True, text=True, env=dict(os.environ, **(env or {})))
        if r.returncode != 0:
            return "<failed> " + r.stderr
        with open(path) as f:
            text = f.read()
    assert 'version() { return "9.8.7"; }' in text, text
    return re.search(r'commit\(\) \{ return "([^"]*)"', text).group(1)


class VersionCommand(unittest.TestCase):
    def test_json_has_every_field(self):
        v = version_json()
        self.assertEqual(sorted(v), sorted(FIELDS))
        self.assertEqual(v["version"], project_version())
        self.assertRegex(v["commit"], r"^([0-9a-f]{12}|unknown)$")
        if v["commit"] != "unknown":  # a commit of this repository
            r = subprocess.run(["git", "-C", SRC, "cat-file", "-e", v["commit"] + "^{commit}"],
                               capture_output=True)
            self.assertEqual(r.returncode, 0, f"{v['commit']} is not a commit of {SRC}")
        self.assertIn(v["build_type"], ("Debug", "Release", "RelWithDebInfo", "MinSizeRel"))
        # SQLite as loaded: the same library Python's sqlite3 module uses on this system.
        self.assertEqual(v["sqlite"], sqlite3.sqlite_version)
        self.assertRegex(v["libpq"], r"^\d+\.\d+$")
        with open("/usr/include/boost/version.hpp") as f:
            lib = re.search(r'#define BOOST_LIB_VERSION "(\d+)_(\d+)', f.read()).groups()
        self.assertTrue(v["boost"].startswith(".".join(lib) + "."), v["boost"])

    def test_version_flag_and_plain_command_print_one_line(self):
        v = version_json()
        want = (f"painel {v['version']} (commit {v['commit']}, {v['build_type']}) "
                f"SQLite {v['sqlite']}, libpq {v['libpq']}, Boost {v['boost']}")
        for args in (["--version"], ["version"]):
            r = painel(*args)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (0, want + "\n", ""), args)

    def test_build_type_is_the_configured_one(self):
        cache = os.path.join(os.path.dirname(os.path.abspath(BIN)), "CMakeCache.txt")
        if not os.path.exists(cache):
            self.skipTest("the binary is not in a CMake build tree")
        with open(cache) as f:
            configured = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", f.read(), re.M).group(1)
        self.assertEqual(version_json()["build_type"], configured)


class CommitStamp(unittest.TestCase):
    def test_reads_the_checkout_commit(self):
        if not os.path.exists(os.path.join(SRC, ".git")):
            self.skipTest("the source tree is not a git checkout")
        head = subprocess.run(["git", "-C", SRC, "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(stamp(SRC), head)

    def test_unknown_without_git_even_inside_another_repository(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(stamp(d), "unknown")  # a tarball: no .git at all
            subprocess.run(["git", "init", "-q", d], check=True)
            subprocess.run(["git", "-C", d, "-c", "user.name=t", "-c", "user.email=t@t",
                            "commit", "-q", "--allow-empty", "-m", "outer"], check=True)
            inner = os.path.join(d, "painel-1.0.0")
            os.makedirs(inner)
            self.assertEqual(stamp(inner), "unknown")  # unpacked inside someone's repository

    def test_override_wins_and_must_be_a_plain_word(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(stamp(d, commit="abc123def456"), "abc123def456")
            self.assertEqual(stamp(d, env={"PAINEL_GIT_COMMIT": "0123456789ab"}), "0123456789ab")
            self.assertTrue(stamp(d, commit='x"; evil()').startswith("<failed>"))


class ServedBuildInfo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_healthz_says_what_is_running(self):
        r = self.p.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "ok", **version_json()})

    def test_metric_carries_the_same_fields_as_labels(self):
        body = self.p.get("/metrics").body
        lines = [line for line in body.splitlines() if line.startswith("painel_build_info{")]
        self.assertEqual(len(lines), 1, body[:2000])
        self.assertIn("# TYPE painel_build_info gauge", body)
        labels = dict(re.findall(r'(\w+)="([^"]*)"', lines[0]))
        self.assertEqual(labels, version_json())
        self.assertTrue(lines[0].endswith("} 1"), lines[0])


if __name__ == "__main__":
    main()
