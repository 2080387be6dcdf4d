"""A seeded mutator over real export files of every adapter: structure-aware for JSON documents and JSON lines
(wrong types at any depth, out-of-range and unparseable dates, oversized fields, deleted keys), line-aware for CSV and
chat text (blank rows, NUL bytes, a line in another encoding, oversized fields, corrupt first lines, wrong field
counts, truncation). Used by tests/test_ingest_fuzz_adapters.py (CI) and scripts/soak_ingest.py (10,000 per adapter)."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# adapter -> fixture files in the real layout (format forced, so a mutated file is judged as that format)
SOURCES = {
    "twcs": ["twcs/broken.csv", "ingest/overlap.csv"],
    "xapi": ["adapters/xapi_search.json", "adapters/xapi_tweets.jsonl"],
    "conversations": ["adapters/conversations.json"],
    "trustpilot": ["adapters/trustpilot_reviews.csv", "adapters/trustpilot_api.json"],
    "google_reviews": ["adapters/google_reviews.json"],
    "facebook": ["adapters/facebook_page_feed.json"],
    "whatsapp": ["adapters/whatsapp_android_nl.txt", "adapters/whatsapp_ios_en.txt"],
    "mapped": ["adapters/coosto_export.csv", "adapters/sprout_social_inbox.csv", "adapters/mapped_messages.jsonl"],
}
ODD_VALUES = [None, 5, -1, 0, 3.5, True, "", "x", [], {}, [1, "a", None], {"a": 1}, "Tue Oct 31 22:10:47 +0000 0001",
              "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "not a date", "2017-02-30T10:00:00Z", "1e400", "NaN",
              "\x00", "é" * 3, "=HYPERLINK(\"http://x\")", "a" * 200_000, 10 ** 30, -(10 ** 20)]
ODD_LINES = [b"", b"\x00\x00\x00", "caf\xe9 na\xefve \xa3".encode("latin-1"), b"\xff\xfe\x00a", b",,,,,,,,,,,,,,,,",
             b"\"unclosed, quote", b"a" * 200_000, "31-10-2017 22:10 - X: hallo".encode(), b"{not json", b"[]", b"null",
             "\u2028\u2029".encode(), b"\r", b"1,2,3"]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _set(node, path, value):
    for p in path[:-1]:
        node = node[p]
    if isinstance(node, dict) and value is _DELETE:
        node.pop(path[-1], None)
    elif isinstance(node, list) and value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()


def mutate_json_doc(doc, rng: random.Random, edits: int):
    for _ in range(edits):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return copy.deepcopy(rng.choice(ODD_VALUES))
        p = rng.choice(paths)
        _set(doc, p, _DELETE if rng.random() < 0.15 else copy.deepcopy(rng.choice(ODD_VALUES)))
    return doc


def mutate_lines(raw: bytes, rng: random.Random, edits: int) -> bytes:
    lines = raw.split(b"\n")
    for _ in range(edits):
        i = rng.randrange(len(lines))
        kind = rng.choice(["replace", "insert", "dup", "delete", "nul", "truncate", "field", "first"])
        if kind == "replace":
            lines[i] = rng.choice(ODD_LINES)
        elif kind == "insert":
            lines.insert(i, rng.choice(ODD_LINES))
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "nul" and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + b"\x00" + lines[i][j:]
        elif kind == "truncate" and lines[i]:
            lines[i] = lines[i][: rng.randrange(len(lines[i]))]
        elif kind == "field":
            parts = lines[i].split(b",")
            j = rng.randrange(len(parts))
            parts[j] = rng.choice([b"", b"a" * 150_000, b"Tue Oct 31 22:10:47 +0000 0001", b"=SUM(A1)", b"\"x\"\"y\""])
            lines[i] = b",".join(parts)
        elif kind == "first" and len(lines) > 1:
            k = 1 if rng.random() < 0.5 else 0
            lines[k] = rng.choice(ODD_LINES)
    return b"\n".join(lines)


def mutate_file(src: Path, rng: random.Random) -> tuple[bytes, str]:
    "A mutated copy of `src` (bytes) and its file suffix."
    raw = src.read_bytes()
    edits = rng.randint(1, 6)
    if src.suffix == ".json" and rng.random() < 0.85:
        doc = mutate_json_doc(json.loads(raw), rng, edits)
        return json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode(), src.suffix
    if src.suffix == ".jsonl" and rng.random() < 0.85:
        out = []
        for line in raw.splitlines():
            if line.strip() and rng.random() < 0.4:
                try:
                    line = json.dumps(mutate_json_doc(json.loads(line), rng, rng.randint(1, 3))).encode()
                except ValueError:
                    pass
            out.append(line)
        return mutate_lines(b"\n".join(out), rng, rng.randint(0, 2)), src.suffix
    return mutate_lines(raw, rng, edits), src.suffix


def mutated_files(adapter: str, n: int, seed: int, folder: Path):
    "Yield (path, adapter) for `n` mutated files of `adapter`'s fixtures, written under `folder`."
    rng = random.Random(f"{adapter}-{seed}")
    srcs = [FIXTURES / s for s in SOURCES[adapter]]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = srcs[i % len(srcs)]
        data, suffix = mutate_file(src, rng)
        p = folder / f"{adapter}_{i:05d}{suffix}"
        p.write_bytes(data)
        yield p


MAPPINGS = ["coosto", "sprout_social", {"columns": {"message_id": "id", "text": "body", "created_at": "ts",
                                                   "author_id": "user.handle", "in_reply_to_id": "reply_to"},
                                       "channel": "forum", "id_prefix": "forum:"}]


def fuzz_config(adapter: str, i: int):
    "The fixtures' study (the fictional Belnet), with the mapping that belongs to mapped source file `i`."
    from webcare_research.study.config import Organisation, StudyConfig
    org = Organisation("Belnet", handles=["BelnetHelpt", "@BelnetCare", "belnet_forum", "belnet.nl"],
                       account_ids=["123456789", "Belnet Klantenservice", "Belnet Support", "Belnet WhatsApp"],
                       page_ids=["1029384756", "Belnet"])
    return StudyConfig(organisations=[org], timezone="Europe/Amsterdam", salt="fuzz",
                       mapping=MAPPINGS[i % 3] if adapter == "mapped" else None)


def check_files(adapter: str, paths: list[Path], batch: int = 1) -> dict:
    """Ingest mutated files (`batch` at a time, one by one again when a batch holds a rejected file): counts of files,
    rows, clean rejections (one-line UserError naming the file), tracebacks and accounting mismatches."""
    import traceback
    from webcare_research.core.errors import UserError
    from webcare_research.ingest.stage import ingest_frames
    stats = {"files": 0, "rows": 0, "rejected": 0, "tracebacks": 0, "mismatches": 0, "examples": []}
    by_cfg: dict[int, list[Path]] = {}
    for p in paths:
        by_cfg.setdefault(int(p.stem.rsplit("_", 1)[-1]) % len(SOURCES[adapter]) if adapter == "mapped" else 0,
                          []).append(p)

    def run(group: list[Path], key: int, single: bool) -> None:
        try:
            r = ingest_frames(group, fmt=adapter, config=fuzz_config(adapter, key))
        except UserError as e:
            if not single:
                for p in group:
                    run([p], key, True)
                return
            stats["files"] += 1
            stats["rejected"] += 1
            if str(group[0]) not in str(e):
                stats["tracebacks"] += 1  # an error that does not name its file counts as a failure
                stats["examples"].append(f"{group[0].name}: unnamed file in {e}")
            return
        except Exception as e:  # a traceback a user would see
            if not single:
                for p in group:
                    run([p], key, True)
                return
            stats["files"] += 1
            stats["tracebacks"] += 1
            tb = traceback.extract_tb(e.__traceback__)[-1]
            stats["examples"].append(f"{group[0].name}: {type(e).__name__} at {Path(tb.filename).name}:{tb.lineno}: {e}"[:300])
            return
        for info in r.summary["files"].values():
            stats["files"] += 1
            stats["rows"] += info["input_rows"]
            stats["mismatches"] += not info["counts_add_up"]
        if r.summary["input_rows"] != r.summary["ingested"] + r.summary["quarantined"] + r.summary["duplicates"]:
            stats["mismatches"] += 1

    for key, group in by_cfg.items():
        for i in range(0, len(group), batch):
            run(group[i:i + batch], key, batch == 1)
    return stats
