"""docs/permissions.md shows the permission matrix exactly as the route table prints it."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, main  # noqa: E402

BEGIN, END = "<!-- routes:begin -->", "<!-- routes:end -->"


class PermissionsDoc(unittest.TestCase):
    def test_matrix_matches_route_table(self):
        r = subprocess.run([BIN, "routes", "--markdown"], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(SRC, "docs/permissions.md"), encoding="utf-8") as f:
            doc = f.read()
        self.assertEqual(doc.count(BEGIN), 1, f"docs/permissions.md needs exactly one {BEGIN} marker")
        self.assertEqual(doc.count(END), 1, f"docs/permissions.md needs exactly one {END} marker")
        documented = doc.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")
        generated = r.stdout.strip("\n")
        self.assertEqual(
            documented, generated,
            "docs/permissions.md is out of date with the route table: regenerate it with "
            "`build/painel routes --markdown` and paste the output between "
            f"{BEGIN} and {END}")


if __name__ == "__main__":
    main()
