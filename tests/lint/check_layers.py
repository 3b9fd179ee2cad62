#!/usr/bin/env python3
"""Layers only point down: a file under src/<folder>/ may include its own folder and the
folders ranked below it, nothing else. The order is the one docs/architecture.md draws:

    core < obs, http < domain < store, cache, mail < auth < jobs < api < redis, demo < cli

(folders on one rank may not include each other). A new folder must be given a rank
here, so nobody adds one without deciding where it sits. Test files (*_test.cpp,
*_benchmark.cpp) follow the same rule as the code they test, except that they may use
demo data and the PostgreSQL test-cluster helper."""
import pathlib
import re
import sys

RANK = {
    "core": 0,
    "obs": 1, "http": 1,
    "domain": 2,
    "store": 3, "cache": 3, "mail": 3,
    "auth": 4,
    "jobs": 5,
    "api": 6,
    "redis": 7, "demo": 7,
    "cli": 8,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def violations(src: pathlib.Path):
    found = []
    for f in sorted(src.rglob("*")):
        if f.suffix not in (".cpp", ".hpp") or f.parent == src:
            continue  # src/main.cpp sits above everything
        folder = f.relative_to(src).parts[0]
        if folder not in RANK:
            found.append(f"{f}: folder '{folder}' has no rank in {__file__}")
            continue
        is_test = f.stem.endswith(("_test", "_benchmark"))
        for m in INCLUDE.finditer(f.read_text(encoding="utf-8")):
            target = m.group(1)
            if target == folder:
                continue
            if target not in RANK:
                found.append(f"{f}: includes unknown folder '{target}'")
            elif RANK[target] >= RANK[folder] and not (is_test and target == "demo"):
                line = f.read_text(encoding="utf-8")[: m.start()].count("\n") + 1
                found.append(f"{f}:{line}: {folder} (rank {RANK[folder]}) includes "
                             f"{target} (rank {RANK[target]}): layers only point down")
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = violations(root / "src")
    for v in bad:
        print(v)
    print(f"layers: {len(bad)} upward include(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
