#!/usr/bin/env python3
"""SQL lives in src/store only (docs/architecture.md): a string literal outside src/store
that has the shape of an SQL statement is a finding. A shape, not a word: the literal
(adjacent literals joined, raw strings included, comments skipped) must start with

    SELECT <column list> FROM | SELECT <number, *, function call> | INSERT INTO <table> |
    UPDATE <table> SET | DELETE FROM <table> | WITH <name> AS ( |
    CREATE / ALTER / DROP TABLE, INDEX, VIEW, TRIGGER, …

case-insensitively, or be a bare upper-case statement head meant for concatenation
("SELECT ", "INSERT INTO ", "DELETE FROM "). "Select a plan", "update available" or a
Redis "SELECT" command are not statements.

Allowed outside src/store:
- src/cli/copy.cpp: `painel copy` is schema-driven and generates its SQL from the
  catalogue of whichever store it reads; it has no fixed statements to name.
- tests and benchmarks (*_test.cpp, *_benchmark.cpp): they build fixtures and check rows
  with SQL of their own, which is not the product's data access."""
import pathlib
import re
import sys

ALLOWED = {"src/cli/copy.cpp"}
TEST_STEMS = ("_test", "_benchmark")

I = re.I | re.S
STATEMENT = [
    # SELECT <list> FROM <table>, where the list looks like one: a single term, or terms
    # with commas, dots, stars, parentheses or AS ("select a plan from the list" is not).
    re.compile(r"^\(?\s*select\s+(distinct\s+)?(\S+|[^,*().]*?[,*().].*?|\w+\s+as\s+\w+)"
               r"\s+from\s+[\w\"(]", I),
    re.compile(r"^\(?\s*select\s+(\d+|\*|[\w.]+\s*\()", I),
    re.compile(r"^insert\s+(or\s+\w+\s+)?into\s+[\w\"]", I),
    re.compile(r"^update\s+[\w.\"]+(\s+(as\s+)?\w+)?\s+set\s+[\w\"]+\s*=", I),
    re.compile(r"^delete\s+from\s+[\w\"]", I),
    re.compile(r"^with\s+(recursive\s+)?\w+\s*(\([^)]*\)\s*)?as\s*(not\s+)?(materialized\s+)?\(", I),
    re.compile(r"^create\s+(or\s+replace\s+)?(unique\s+)?(temp(orary)?\s+)?"
               r"(table|index|view|trigger|function|sequence|schema|extension|type)\b", I),
    re.compile(r"^alter\s+(table|index|view|sequence|type|function|schema|database|role)\b", I),
    re.compile(r"^drop\s+(table|index|view|trigger|function|sequence|schema|type)\b", I),
    # A statement head left open for concatenation: "SELECT " + cols + " FROM " + t.
    re.compile(r"^(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\s+$"),
]


def literals(text: str):
    """(line, value) of each string literal, adjacent literals joined (as the compiler
    joins them); comments and character literals skipped."""
    out, i, n = [], 0, len(text)
    pending, pending_line, pending_end = None, 0, 0

    def close():
        nonlocal pending
        if pending is not None:
            out.append((pending_line, pending))
            pending = None

    while i < n:
        ch = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        raw = re.match(r'(?:u8|[uUL])?R"([^()\\\s]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = ")" + raw.group(1) + '"'
            start = i + raw.end()
            j = text.find(end, start)
            j = n if j < 0 else j
            value, i_next = text[start:j], j + len(end)
        elif ch == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2])
                    j += 2
                    continue
                if text[j] == "\n":
                    break  # unterminated: not C++ we care about
                buf.append(text[j])
                j += 1
            value, i_next = "".join(buf), j + 1
        elif ch == "'":
            k = i - 1
            while k >= 0 and (text[k].isalnum() or text[k] in "'_."):
                k -= 1
            if k + 1 < i and text[k + 1].isdigit():  # a digit separator: 60'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        else:
            if not ch.isspace():
                close()
            i += 1
            continue
        if pending is not None and text[pending_end:i].strip() == "":
            pending += value
        else:
            close()
            pending, pending_line = value, text.count("\n", 0, i) + 1
        pending_end = i = i_next
    close()
    return out


def is_statement(s: str) -> bool:
    s = s.lstrip()
    return any(p.search(s) for p in STATEMENT)


def findings(root: pathlib.Path):
    found = []
    src = root / "src"
    for f in sorted(src.rglob("*")):
        if f.suffix not in (".cpp", ".hpp", ".h", ".cc") or not f.is_file():
            continue
        rel = f.relative_to(root).as_posix()
        if rel.startswith("src/store/") or rel in ALLOWED or f.stem.endswith(TEST_STEMS):
            continue
        for line, value in literals(f.read_text(encoding="utf-8")):
            if is_statement(value):
                head = " ".join(value.split())
                found.append((rel, line, head[:70] + ("…" if len(head) > 70 else "")))
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = findings(root)
    for rel, line, head in bad:
        print(f"{rel}:{line}: SQL outside src/store: \"{head}\"")
    files = len({rel for rel, _, _ in bad})
    print(f"sql: {len(bad)} statement(s) outside src/store in {files} file(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
