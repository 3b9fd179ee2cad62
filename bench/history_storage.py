"""Storage of the metric history (docs/operations.md, "Metric history"). Run from the
repository root: PAINEL_BIN=build/painel PAINEL_SRC=$PWD python3 bench/history_storage.py
(add PAINEL_TEST_BACKEND=postgres PAINEL_TEST_PG_URL_FILE=… for PostgreSQL).
Storage of the metric history: one instance, a traffic mix over many routes for ~2.5
minutes, then rows and bytes per full minute (SQLite dbstat; PostgreSQL relation size)."""
import os, sys, time, sqlite3
sys.path.insert(0, os.path.join(os.environ["PAINEL_SRC"], "tests/lib"))
from harness import Painel
from fixtures import World
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
        "--metrics-history-interval-ms", "5000"]
p = Painel(*FAST).start()
try:
    w = World(p)
    toks = {r: w.token(r) for r in ["INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER", "B_ADMIN"]}
    paths = ["/tenant/me", "/tenant/agents", "/tenant/usage", "/tenant/incidents", "/tenant/integrations",
             "/tenant/users", "/internal/tenants", "/internal/usage/overview", "/internal/billing/overview",
             "/internal/incidents", "/internal/agents", "/internal/audit", "/internal/operations/commands",
             "/internal/users", "/internal/monitoring/overview", "/healthz", "/readyz", "/nope", "/tenant/agents/x"]
    end = time.time() + 150
    while time.time() < end:
        for path in paths:
            for r, t in toks.items():
                p.get(path, token=t)
        time.sleep(0.5)
    p.stop()
    now_min = int(time.time() // 60)
    rows = p.sql("SELECT minute, COUNT(*) FROM metric_points GROUP BY minute ORDER BY minute")
    print("rows per minute:", rows)
    full = [n for m, n in rows[1:-1]] or [n for m, n in rows]
    per_min = sum(full) / len(full)
    total_rows = sum(n for m, n in rows)
    # Bytes per row measured on a day's worth: the rows above copied to 1440 minutes.
    mins = [m for m, n in rows]
    for k in range(1, 1440 // len(mins) + 1):
        p.sql("INSERT INTO metric_points(instance_id, minute, name, labels, value) SELECT instance_id, "
              "minute - ?, name, labels, value FROM metric_points WHERE minute >= ?", (k * len(mins), mins[0]))
    (total_rows,), = p.sql("SELECT COUNT(*) FROM metric_points")
    if p.database.startswith("postgres"):
        (b,), = p.sql("SELECT pg_total_relation_size('metric_points')")
    else:
        c = sqlite3.connect(p.db)
        b = c.execute("SELECT SUM(pgsize) FROM dbstat WHERE name IN ('metric_points','metric_points_minute')").fetchone()[0]
    print(f"backend {p.database.split(':')[0]}: {total_rows} rows, {b} bytes ({b/total_rows:.0f} B/row incl. index); "
          f"{per_min:.0f} rows/full minute -> {per_min*1440:.0f} rows/day, {per_min*1440*b/total_rows/1e6:.1f} MB/day")
finally:
    p.cleanup()
