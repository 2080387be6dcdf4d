"""Benchmark: ingest + threads + measures on a 2.8M-message twcs-shaped corpus, against a straightforward pandas
implementation of the same measures, in one run.

    python benchmarks/bench_ingest.py [--messages 2800000] [--seed 42] [--skip-baseline] [--stages]

Generates benchmarks/out/twcs_<N>_<seed>.csv once (seeded; reused when present), then runs each pipeline in its own
subprocess so peak memory (VmHWM from /proc, i.e. peak resident set size) is measured separately. Prints wall time,
peak memory and the ratio, and checks that the per-organisation numbers agree.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing
OUT = HERE / "out"
COLUMNS = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"]

# invented brand accounts (never real company names)
_STEMS = ["Belnet", "Voltiq", "Spoorly", "Bankera", "Zorgpunt", "Woonwijs", "Fietsfix", "Pakketto", "Energo", "Mobiq",
          "Reisvrij", "Verzekr", "Kledo", "Boekwurm", "Smaakt", "Huisdier", "Tuinhuis", "Stroomz", "Netwerq", "Vliegr",
          "Telefoon", "Gemeento", "Waterz", "Parkeer", "Studiez", "Klusser", "Sportiv", "Muziekz", "Cinemo", "Hotelo",
          "Autohuis", "Tankz", "Pizzaro", "Koffiez", "Bakkerij", "Slagerz", "Drogist", "Apotheq", "Opticien", "Juwelo",
          "Speelgoed", "Boekhuis", "Meubelz", "Lampenz", "Tegelz", "Verfhuis", "Bouwmarq", "Dierenz", "Bloemz", "Reizen"]
_SUFFIX = ["Care", "Help", "Support", "Service", "Webcare"]
_CUST = ["my order still hasn't arrived, what is going on?", "the app keeps crashing since the update",
         "waarom is mijn internet weer traag vandaag", "I was charged twice for the same thing!!",
         "thanks for the quick help yesterday, great service", "can someone help me with my account please",
         "mijn pakket is nog steeds niet bezorgd", "is there an outage in my area? nothing works",
         "still waiting for an answer to my email from last week", "how do I cancel my subscription?",
         "de trein had weer 20 minuten vertraging", "love the new feature, well done", "hallo?? niemand?",
         "my card was declined but the money is gone", "where can I find the invoice for last month"]
_ORG = ["Sorry to hear that! Could you send us a DM with your order number?", "We're here to help. Can you tell us more?",
        "Vervelend! Stuur je ons even een DM met je postcode?", "Thanks for letting us know, we are looking into it.",
        "Please give us a call on 0800 1234 and we'll sort it out.", "Glad to hear it! Have a great day.",
        "Dat is niet de bedoeling. Welke foutmelding zie je?", "Could you try reinstalling the app and let us know?",
        "We've checked and there is no outage in your area.", "You can cancel in the app under Settings > Account."]


def generate(n: int, seed: int = 42, n_orgs: int = 108) -> pd.DataFrame:
    "A twcs-shaped frame of exactly `n` messages: alternating customer/organisation reply chains, 2017 dates."
    rng = np.random.default_rng(seed)
    orgs = np.array([f"{_STEMS[i % len(_STEMS)]}{_SUFFIX[(i // len(_STEMS)) % len(_SUFFIX)]}" for i in range(n_orgs)])
    lengths = rng.choice([1, 2, 3, 4, 5, 6], p=[0.22, 0.38, 0.14, 0.13, 0.08, 0.05], size=n // 2 + 10)
    ends = np.cumsum(lengths)
    c = int(np.searchsorted(ends, n)) + 1
    lengths = lengths[:c].copy()
    lengths[-1] -= ends[c - 1] - n
    lengths = lengths[lengths > 0]
    c = len(lengths)
    conv = np.repeat(np.arange(c), lengths)
    start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pos = np.arange(n) - start[conv]
    inbound = pos % 2 == 0
    org_w = 1.0 / np.arange(1, n_orgs + 1) ** 0.8
    org_of = rng.choice(n_orgs, size=c, p=org_w / org_w.sum())
    cust_of = rng.integers(100000, 100000 + max(n // 3, 10), size=c)
    ids = rng.permutation(n).astype(np.int64) + 1
    root_t = np.datetime64("2017-10-01T00:00:00") + rng.integers(0, 61 * 86400, size=c).astype("timedelta64[s]")
    delay = np.where(inbound, rng.lognormal(np.log(8 * 60), 1.2, n), rng.lognormal(np.log(35 * 60), 1.6, n))
    delay[pos == 0] = 0
    cum = np.cumsum(delay)
    cum -= np.repeat(cum[start] - delay[start], lengths)
    t = root_t[conv] + cum.astype("timedelta64[s]")
    prev = np.where(pos > 0, np.arange(n) - 1, -1)
    nxt = np.where(np.append(pos[1:] > 0, False), np.arange(n) + 1, -1)
    org_h, cust = orgs[org_of[conv]], cust_of[conv].astype(str)
    ci, oi = rng.integers(0, len(_CUST), n), rng.integers(0, len(_ORG), n)
    agent = np.array(["".join(x) for x in rng.choice(list("ABCDEFGHJKLMNPRSTW"), size=(40, 2))])[rng.integers(0, 40, n)]
    other = rng.random(n) < 0.1
    texts = [f"@{org_h[i]} {_CUST[ci[i]]}" if inbound[i] and not other[i] else
             f"@{cust[i] if pos[i] else 1 + ids[i] % 99999} @{org_h[i]} {_CUST[ci[i]]}" if inbound[i] else
             f"@{cust[i]} {_ORG[oi[i]]} ^{agent[i]}" + (" https://t.co/x" + str(ids[i] % 9973) if other[i] else "")
             for i in range(n)]
    df = pd.DataFrame({
        "tweet_id": ids,
        "author_id": np.where(inbound, cust, org_h),
        "inbound": np.where(inbound, "True", "False"),
        "created_at": pd.Series(t).dt.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "text": texts,
        "response_tweet_id": np.where(nxt >= 0, ids[np.maximum(nxt, 0)].astype(str), ""),
        "in_response_to_tweet_id": np.where(prev >= 0, ids[np.maximum(prev, 0)].astype(str), ""),
    })
    return df.iloc[rng.permutation(n)].reset_index(drop=True)  # file order is not thread order


def corpus(n: int, seed: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    p = OUT / f"twcs_{n}_{seed}.csv"
    if not p.exists():
        t0 = time.perf_counter()
        try:
            from webcare_research.demo.generate import twcs_corpus  # H3's generator when available
            df = twcs_corpus(n, seed)
            src = "webcare_research.demo.generate.twcs_corpus"
        except Exception:
            df, src = generate(n, seed), "bench_ingest.generate"
        df[COLUMNS].to_csv(p.with_suffix(".tmp"), index=False)
        p.with_suffix(".tmp").rename(p)
        print(f"generated {p.name} with {src}: {len(df):,} rows, {p.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t0:.0f} s")
    return p


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the two pipelines (each runs in its own subprocess) -----------------------------------------------------------

def run_workbench(path: Path, out: Path) -> pd.DataFrame:
    from webcare_research.ingest.stage import ingest
    from webcare_research.measures.sql import measure_dir
    s = ingest([path], out, config=_dutch_study(), progress=False)
    assert s["counts_add_up"], s
    return measure_dir(out, _dutch_study())


def run_naive(path: Path) -> pd.DataFrame:
    "What one writes without the workbench: read everything, parse dates, merge replies, group by."
    from webcare_research.study.config import StudyConfig, business_minutes
    df = pd.read_csv(path, dtype={"tweet_id": str, "author_id": str, "response_tweet_id": str,
                                  "in_response_to_tweet_id": str}, lineterminator="\n")
    df["created_at"] = pd.to_datetime(df.created_at, format="%a %b %d %H:%M:%S %z %Y", utc=True)
    inb = df[df.inbound]
    rep = df[~df.inbound & df.in_response_to_tweet_id.notna()].sort_values("created_at")
    first = rep.groupby("in_response_to_tweet_id").first()[["author_id", "created_at"]]
    first.columns = ["reply_org", "reply_at"]
    t = inb.merge(first, left_on="tweet_id", right_index=True, how="left")
    orgs = {h.lower(): h for h in df.loc[~df.inbound, "author_id"].unique()}
    mentioned = t.text.str.findall(r"@(\w+)").apply(lambda hs: next((orgs[h.lower()] for h in hs if h.lower() in orgs), None))
    t["organisation"] = t.reply_org.fillna(mentioned)
    t = t[t.organisation.notna()].copy()
    t["answered"] = t.reply_at.notna()
    t["frt"] = (t.reply_at - t.created_at).dt.total_seconds() / 60
    t["frt_b"] = business_minutes(t.created_at, t.reply_at, _dutch_study())
    g = t.groupby("organisation")
    out = pd.DataFrame({"inbound": g.size(), "answered": g.answered.sum()})
    out["response_rate"] = out.answered / out.inbound
    a = t[t.answered].groupby("organisation")
    out["frt_median_min"], out["frt_p90_min"], out["frt_mean_min"] = a.frt.median(), a.frt.quantile(0.9), a.frt.mean()
    out["frt_business_median_min"] = a.frt_b.median()
    return out.reset_index()


STAGES = {"webcare_research.ingest.stage": ["_read_all", "split_duplicates", "resolve_roles", "extract_agent", "pseudonymise_rows",
                                      "conversation_ids", "coerce_mentions", "build_threads", "validate_in_blocks", "_summary"],
          "webcare_research.adapters.twcs": ["twcs_rows"], "webcare_research.measures.basic": ["first_measures"]}


def _time_stages() -> dict:
    "Wrap the pipeline's stage functions to add up their wall and CPU seconds, and note the peak RSS after each (`--stages`)."
    import functools
    import importlib
    totals: dict = {}
    for mod_name, names in STAGES.items():
        mod = importlib.import_module(mod_name)
        for name in names:
            def timed(*a, _f=getattr(mod, name), _n=name, **k):
                w0, c0 = time.perf_counter(), time.process_time()
                try:
                    return _f(*a, **k)
                finally:
                    t = totals.setdefault(_n, [0.0, 0.0, 0.0])
                    t[0] += time.perf_counter() - w0
                    t[1] += time.process_time() - c0
                    t[2] = peak_rss_mb()  # the high-water mark when the stage last returned
            setattr(mod, name, functools.wraps(getattr(mod, name))(timed))
    return totals


def _child(kind: str, path: str, res: str) -> None:
    stages = _time_stages() if kind == "workbench" and os.environ.get("BENCH_STAGES") else None
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = ru.ru_utime + ru.ru_stime
    t0 = time.perf_counter()
    m = run_workbench(Path(path), OUT / "processed") if kind == "workbench" else run_naive(Path(path))
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    m.to_parquet(res, index=False)
    for name, (w, c, hwm) in (stages or {}).items():  # stages nest (twcs_rows inside _read_all): not additive
        print(f"  stage {name:24s} {w:7.1f} s wall {c:7.1f} s CPU   peak RSS so far {hwm:6.0f} MB")
    print(json.dumps({"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime - cpu0, "peak_mb": peak_rss_mb()}))


def measure(kind: str, path: Path) -> tuple[dict, pd.DataFrame]:
    res = OUT / f"result_{kind}.parquet"
    p = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(res)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if p.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{p.stderr[-3000:]}")
    lines = p.stdout.rstrip().splitlines()
    if len(lines) > 1:
        print(f"{kind} stages:", *lines[:-1], sep="\n")
    return json.loads(lines[-1]), pd.read_parquet(res)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2_800_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--stages", action="store_true", help="also print the workbench's time per pipeline stage")
    a = ap.parse_args()
    if a.stages:
        os.environ["BENCH_STAGES"] = "1"
    path = corpus(a.messages, a.seed)
    print(f"corpus: {path} ({path.stat().st_size / 1e6:.0f} MB), cores: {os.cpu_count()}")
    wb, mw = measure("workbench", path)
    rows = [("workbench ingest+threads+measures", wb)]
    if not a.skip_baseline:
        nv, mn = measure("naive", path)
        rows.append(("straightforward pandas", nv))
    load = os.getloadavg()[0]
    print(f"\n{'pipeline':38s} {'wall s':>8s} {'CPU s':>8s} {'peak MB':>9s}   (load average {load:.1f} on {os.cpu_count()} cores)")
    for name, r in rows:
        print(f"{name:38s} {r['wall_s']:8.1f} {r['cpu_s']:8.1f} {r['peak_mb']:9.0f}")
    if not a.skip_baseline:
        print(f"{'ratio naive / workbench':38s} {nv['wall_s'] / wb['wall_s']:8.2f} {nv['cpu_s'] / wb['cpu_s']:8.2f} "
              f"{nv['peak_mb'] / wb['peak_mb']:9.2f}")
        w = mw.groupby("organisation")[["inbound", "answered"]].sum()
        wm = mw.set_index("organisation")
        n = mn.set_index("organisation")
        same_counts = set(w.index) == set(n.index) and bool(
            (w.loc[n.index, ["inbound", "answered"]].to_numpy() == n[["inbound", "answered"]].to_numpy()).all())
        cols = ["response_rate", "frt_median_min", "frt_p90_min", "frt_mean_min", "frt_business_median_min"]
        close = np.allclose(wm.loc[n.index, cols].to_numpy(float), n[cols].to_numpy(float), rtol=1e-9, equal_nan=True)
        print(f"\nagree: counts per organisation {same_counts}, rates and times {close} "
              f"({len(n)} organisations, {int(n.inbound.sum()):,} inbound, {int(n.answered.sum()):,} answered)")
        if not (same_counts and close):
            raise SystemExit("MISMATCH between workbench and naive measures")
    print(f"target: <= 60 s and <= 4096 MB -> workbench {'MET' if wb['wall_s'] <= 60 and wb['peak_mb'] <= 4096 else 'MISSED'}")


def _dutch_study():
    "A Dutch study (Amsterdam time, office hours): both paths compute the business-hours figures, as before."
    from webcare_research.study.config import DEFAULT_OPENING_HOURS, StudyConfig
    return StudyConfig(timezone="Europe/Amsterdam", opening_hours=DEFAULT_OPENING_HOURS)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main()
