"""The text stages on Dask distributed: a real scheduler and two worker processes on localhost (started with the
`dask` CLI, as on a cluster: the workers have only the installed package) enrich, score replies and assign topics
with outputs identical to one process; a
failing partition named; `webcare run --scheduler local` identical to the default run."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from webcare_research.core.compute import PartitionError, map_partitions
from webcare_research.demo.generate import write_demo
from webcare_research.quality.replies import quality_file
from webcare_research.text.enrich import enrich_file
from webcare_research.topics.file import topics_file

DASK = Path(sys.executable).with_name("dask")
WEBCARE = [sys.executable, "-m", "webcare_research"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    "tcp://127.0.0.1:PORT of a `dask scheduler` with two `dask worker` processes (one thread each)."
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    # WEBCARE_WORKER_RECYCLE_MB=0: each worker drops and rebuilds its pipelines after its first partition, so the
    # outputs below also show that a recycled worker gives the same results
    env = {**os.environ, "MPLBACKEND": "Agg", "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
           "WEBCARE_WORKER_RECYCLE_MB": "0"}
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)]
    procs += [subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                                "--name", f"w{i}"], **quiet) for i in range(2)]
    from distributed import Client
    try:
        deadline = time.monotonic() + 90
        with Client(address, timeout=60) as c:
            while len(c.scheduler_info()["workers"]) < 2:
                assert time.monotonic() < deadline, "the two dask workers did not register"
                time.sleep(0.2)
            pids = set(c.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # two worker processes, not this one
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    "A demo study run once the default way (one process): its folder."
    d = tmp_path_factory.mktemp("dist") / "study"
    write_demo(d, n_messages=1500, seed=9)
    r = subprocess.run([*WEBCARE, "run", d / "study.yml"], capture_output=True, text=True,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr
    return d


def test_text_stages_on_a_real_cluster_match_one_process(cluster, demo, tmp_path):
    data = demo / "reports" / "demo" / "data"
    # partitions of 400 rows: 7 partitions over 2 workers, merged back in row order
    enrich_file(data / "mentions.parquet", tmp_path / "e.parquet", progress=False, partition_rows=400,
                scheduler=cluster)
    ours, ref = pd.read_parquet(tmp_path / "e.parquet"), pd.read_parquet(data / "enriched.parquet")
    pd.testing.assert_frame_equal(ours, ref)
    assert ours["sentiment"].notna().sum() > 1000
    quality_file(data / "enriched.parquet", tmp_path / "q.parquet", scheduler=cluster, partition_rows=400)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "q.parquet"), pd.read_parquet(data / "quality.parquet"))
    # topic assignment: fitted on a sample here, every message assigned partition by partition on the workers
    cards = {where: topics_file(data / "enriched.parquet", tmp_path / where, seed=5, stability_seeds=0, fit_rows=300,
                                partition_rows=250, scheduler=where if where == "single" else cluster)
             for where in ("single", "cluster")}
    assert cards["single"]["assigned_on"] == "single" and cards["cluster"]["assigned_on"] == cluster
    assert cards["single"]["fitted_on"] == "a seeded sample" and cards["single"]["n_docs"] == 300
    a, b = (pd.read_parquet(tmp_path / w / "assignments.parquet") for w in ("single", "cluster"))
    pd.testing.assert_frame_equal(a, b)
    assert a["topic"].notna().sum() > 300  # more messages assigned than fitted on
    assert (tmp_path / "single" / "topics.csv").read_bytes() == (tmp_path / "cluster" / "topics.csv").read_bytes()
    from distributed import Client
    with Client(cluster, timeout=60) as c:  # both workers released their grown caches at least once
        released = c.run(lambda: __import__("webcare_research.core.compute", fromlist=["RELEASES"]).RELEASES[0])
    assert len(released) == 2 and min(released.values()) >= 1, released


def test_a_failing_partition_is_named_and_the_others_complete(cluster):
    done = []
    with pytest.raises(PartitionError) as e:
        list(map_partitions(abs, [("rows 1-10", -1), ("rows 11-20", "not a number"), ("rows 21-30", -3)],
                            scheduler=cluster, on_done=lambda name, r: done.append(name)))
    assert [n for n, _ in e.value.failures] == ["rows 11-20"] and "rows 11-20: TypeError" in str(e.value)
    assert sorted(done) == ["rows 1-10", "rows 21-30"]


def test_unreachable_scheduler_is_one_line(tmp_path):
    r = subprocess.run([*WEBCARE, "enrich", Path(__file__).parent / "fixtures" / "enrich" / "webcare_nl_sample.csv", "--out",
                        tmp_path / "x.parquet", "--scheduler", f"tcp://127.0.0.1:{_free_port()}"],
                       capture_output=True, text=True, env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert r.returncode == 2 and "no Dask scheduler answers at tcp://127.0.0.1:" in r.stderr and "Traceback" not in r.stderr


def test_webcare_run_with_a_local_cluster_gives_the_default_outputs(demo):
    out = demo / "reports" / "demo"
    files = lambda: {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                     if p.is_file() and p.name != "manifest.json" and p.parent.name != ".stages"}
    before = files()
    r = subprocess.run([*WEBCARE, "run", demo / "study.yml", "--scheduler", "local", "--force"], capture_output=True,
                       text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr
    assert "Dask: local cluster" in r.stderr
    after = files()
    assert after.keys() == before.keys()
    differ = [f for f in before if before[f] != after[f]]
    # a refit topic model records how long it took (model card, its settings and the pickled model): all else byte for byte
    untimed = lambda b: {k: v for k, v in json.loads(b).items() if not k.endswith("_seconds")}
    assert {f for f in differ if f.endswith(".json")} <= {"topics/model_card.json", "topics/model/settings.json"}
    assert all(untimed(before[f]) == untimed(after[f]) for f in differ if f.endswith(".json"))
    assert [f for f in differ if not f.endswith(".json")] in ([], ["topics/model/model.joblib"])
    m = json.loads((out / "manifest.json").read_text())
    assert m["compute"]["scheduler"] == "local" and m["compute"]["scheduler_from"] == "--scheduler"
    assert m["compute"]["ran_on"] == {"enrich": "local", "quality": "local"}
