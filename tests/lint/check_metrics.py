#!/usr/bin/env python3
"""Every metric family the code names is declared in the catalogue (src/obs/metric_catalog.cpp),
so /metrics never shows a family without # HELP/# TYPE, and a typo in a counter's name is
caught here rather than by a dashboard that stays empty. A finding: a string literal in
src/ (tests and benchmarks apart) that starts with "painel_" or "process_" followed by a
metric-name shape, and that is not a catalogue family (histogram samples _bucket, _sum and
_count count as their family).

REGISTERED_ELSEWHERE: families registered outside the catalogue's table (none today)."""
import pathlib
import re
import sys

REGISTERED_ELSEWHERE = set()
TEST_STEMS = ("_test", "_benchmark")
CATALOGUE = "src/obs/metric_catalog.cpp"

NAME = re.compile(r'"((?:painel|process)_[a-z][a-z0-9_]*)')
FAMILY = re.compile(r'MetricFamily\{"([a-zA-Z_:][a-zA-Z0-9_:]*)",\s*(\w+)')


def main(root):
    root = pathlib.Path(root)
    declared = dict(FAMILY.findall((root / CATALOGUE).read_text()))
    if len(declared) < 10:
        print(f"check_metrics: could not read the catalogue in {CATALOGUE}")
        return 1
    findings = []
    for path in sorted((root / "src").rglob("*")):
        if path.suffix not in (".cpp", ".hpp") or path.stem.endswith(TEST_STEMS):
            continue
        rel = path.relative_to(root).as_posix()
        if rel == CATALOGUE:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for name in NAME.findall(line):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                if name in declared or name in REGISTERED_ELSEWHERE:
                    continue
                if base != name and declared.get(base) == "Histogram":
                    continue
                findings.append(f"{rel}:{n}: metric {name} is not in {CATALOGUE}")
    for f in findings:
        print(f)
    if findings:
        print(f"check_metrics: {len(findings)} finding(s): declare the family in the catalogue")
        return 1
    print(f"check_metrics: {len(declared)} families declared, every name used in src/ is one")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]))
