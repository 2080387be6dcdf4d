"""Benchmark: how fast could the 2.8M ingest be? A floor — the ingest's core written as DuckDB SQL, one pass, no
Python per row — against `webcare ingest` on the same CSV in the same run.

    python benchmarks/bench_ingest_floor.py [--messages 2800000] [--seed 42]

The floor does less than the product and is not a product: it reads the twcs CSV, drops repeated tweet ids, gives
each message its role and organisation (the author for a brand's reply, the replied-to brand for a customer), a
conversation id (the root of its reply chain, by a recursive join), pseudonymises customers' ids and the private
@handles in the texts (sha256 of a salt and the handle, a stand-in for the product's HMAC; brand handles stay readable),
and writes a flat mention table and a store partitioned by organisation and month. It leaves out what the product does
besides: e-mail and phone masking, agent signatures, redirects, the thread table (first responses), quarantine and
its reasons, schema validation, the summary and the manifest. So its time is a lower bound for an ingest that does
all of that on this machine, whatever the language — the question issue 15's "CSV → partitioned Parquet → measures
≤ 10 s" target raises. Reuses benchmarks/out/twcs_<N>_<seed>.csv (bench_ingest.corpus). Each side runs in its own
process under /usr/bin/time (wall, peak RSS). Prints a table and writes benchmarks/out/bench_ingest_floor_<N>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from bench_ingest import OUT, corpus  # noqa: E402
from bench_run import timed  # noqa: E402

HANDLE = "regexp_extract(p, '^[A-Za-z0-9_]+')"
FLOOR_SQL = [
    # typed read; one row of each repeated tweet id kept (any one: the product quarantines conflicting duplicates)
    """CREATE TEMP TABLE d AS
       SELECT * FROM read_csv($csv, header = true, columns = {'tweet_id': 'VARCHAR', 'author_id': 'VARCHAR',
              'inbound': 'BOOLEAN', 'created_at': 'VARCHAR', 'text': 'VARCHAR', 'response_tweet_id': 'VARCHAR',
              'in_response_to_tweet_id': 'VARCHAR'})
       QUALIFY row_number() OVER (PARTITION BY tweet_id) = 1""",
    "SET VARIABLE orgs = (SELECT list(DISTINCT author_id) FROM d WHERE NOT inbound)",
    # conversation id: the root of each reply chain (pointer chasing by a recursive join)
    """CREATE TEMP TABLE roots AS
       WITH RECURSIVE r(message_id, cur, depth) AS (
           SELECT tweet_id, tweet_id, 0 FROM d
           UNION ALL
           SELECT r.message_id, p.tweet_id, r.depth + 1
           FROM r JOIN d q ON q.tweet_id = r.cur JOIN d p ON p.tweet_id = q.in_response_to_tweet_id
           WHERE r.depth < 100)
       SELECT message_id, arg_max(cur, depth) AS conversation_id FROM r GROUP BY message_id""",
    f"""CREATE TEMP TABLE m AS
       SELECT d.tweet_id AS message_id, c.conversation_id, d.in_response_to_tweet_id AS in_reply_to_id,
              CASE WHEN d.inbound THEN 'customer' ELSE 'organisation' END AS author_role,
              CASE WHEN d.inbound THEN sha256($salt || d.author_id)[:12] ELSE d.author_id END AS author_id,
              CASE WHEN d.inbound THEN p.author_id ELSE d.author_id END AS organisation,
              'twitter' AS channel,
              strptime(d.created_at, '%a %b %d %H:%M:%S %z %Y') AS created_at,
              array_to_string(list_transform(string_split(d.text, '@'), lambda p, i: CASE
                  WHEN i = 1 OR {HANDLE} = '' OR list_contains(getvariable('orgs'), {HANDLE}) THEN p
                  ELSE sha256($salt || lower({HANDLE}))[:12] || substr(p, length({HANDLE}) + 1) END), '@') AS text
       FROM d LEFT JOIN d p ON p.tweet_id = d.in_response_to_tweet_id JOIN roots c ON c.message_id = d.tweet_id""",
    "COPY m TO $flat (FORMAT parquet)",
    """COPY (SELECT *, coalesce(organisation, '_none') AS org, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m') AS month
             FROM m) TO $store (FORMAT parquet, PARTITION_BY (org, month))""",
]


def floor(csv: str, out: str) -> None:
    "Run the floor's statements in this process (the child side of the benchmark)."
    import duckdb
    shutil.rmtree(out, ignore_errors=True)
    Path(out).mkdir(parents=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    params = {"csv": csv, "salt": "bench-floor-salt", "flat": f"{out}/mentions.parquet", "store": f"{out}/store"}
    for sql in FLOOR_SQL:
        con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    n, convs = con.execute("SELECT count(*), count(DISTINCT conversation_id) FROM m").fetchone()
    print(f"{n} messages, {convs} conversations")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2_800_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--child", nargs=2, metavar=("CSV", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return floor(*a.child)
    csv = corpus(a.messages, a.seed)
    work = OUT / f"floor_{a.messages}"
    env = {**os.environ, "WEBCARE_SALT": "bench-floor-salt"}
    rows = []
    for name, cmd in (("floor: the ingest's core as DuckDB SQL", [sys.executable, __file__, "--child", str(csv), str(work / "floor")]),
                      ("webcare ingest", [sys.executable, "-m", "webcare_research", "ingest", str(csv), "--out",
                                          str(work / "ingest")])):
        wall, rss, tail = timed(cmd, env=env)
        rows.append({"run": name, "wall_s": round(wall, 2), "peak_rss_mb": round(rss)})
        print(f"{name:>40}: {wall:6.1f} s {rss:8,.0f} MB   {tail.strip().splitlines()[-1] if tail.strip() else ''}")
    ratio = rows[1]["wall_s"] / rows[0]["wall_s"]
    print(f"webcare ingest / floor: {ratio:.1f}x wall, {rows[1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.2f}x peak RSS "
          "(the floor leaves out masking, agents, redirects, threads, quarantine, validation, summary)")
    (OUT / f"bench_ingest_floor_{a.messages}.json").write_text(json.dumps(
        {"messages": a.messages, "runs": rows, "ratio_wall": round(ratio, 2), "when": time.strftime("%Y-%m-%d %H:%M")},
        indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
