"""Benchmark: webcare TopicModel (TF-IDF+SVD, seeded centroid clustering) vs BERTopic's default pipeline.

Run: python benchmarks/bench_topics.py [--sizes 20000 100000] [--skip-default-above N] [--out FILE.csv]

Corpora (short customer texts only):
* demo   : customer messages of webcare_research.demo.generate.generate_demo (synthetic Dutch/English webcare), first N;
* spotify: ../shared/data/spotify_support_requests/support_requests.csv (15,103 real tweets), resampled WITH
           light variation (each copy drops one random word) to reach N when N > 15,103 — duplicated text,
           stated in the table as "spotify-resampled".
Pipelines, on the same texts and the same embeddings (our cleaned lemmas -> TF-IDF -> SVD(20, ARPACK) -> Normalizer):
* webcare : TopicModel(seed=42) — k-means on a sample + nearest-centroid assignment + outlier threshold;
* default : BERTopic(umap_model=UMAP(15 neighbours, 5 dims, cosine), hdbscan_model=HDBSCAN(min_cluster_size=10))
            i.e. BERTopic 0.17.4 defaults, given the same embeddings and cleaned documents.
Each (corpus, pipeline) runs in a fresh process, so peak RSS (ru_maxrss) is per run.
Stability: mean pairwise ARI over seeds 42, 43, 44 on the same 10,000-document subsample (each seed refits
the SVD and the clustering/UMAP). Coherence: NPMI of top-10 words over message co-occurrence; diversity:
unique share of top-10 words (webcare_research.topics.evaluation.npmi_coherence / topic_diversity).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SPOTIFY = ROOT.parent / "shared" / "data" / "spotify_support_requests" / "support_requests.csv"
sys.path.insert(0, str(ROOT))


def corpus(name: str, n: int) -> tuple[list[str], str]:
    if name == "demo":
        from webcare_research.demo.generate import generate_demo
        m = generate_demo(int(n * 1.9), seed=7)["messages"]
        texts = m.loc[m["role"] == "customer", "text"].dropna().astype(str).tolist()[:n]
        return texts, f"demo-{len(texts)}"
    texts = pd.read_csv(SPOTIFY)["text"].dropna().astype(str).tolist()
    if n <= len(texts):
        return texts[:n], f"spotify-{n}"
    rng = np.random.default_rng(7)
    out = list(texts)
    while len(out) < n:
        t = texts[int(rng.integers(len(texts)))].split()
        if len(t) > 3:
            del t[int(rng.integers(1, len(t)))]
        out.append(" ".join(t))
    return out, f"spotify-resampled-{n}"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_webcare(name: str, n: int) -> dict:
    from webcare_research.topics.model import TopicModel
    texts, label = corpus(name, n)
    t0 = time.perf_counter()
    m = TopicModel(seed=42).fit(texts)
    wall = time.perf_counter() - t0
    c = m.card()
    return {"corpus": label, "pipeline": "webcare (svd+kmeans)", "n_docs": len(texts), "wall_s": round(wall, 1),
            "fit_s_excl_stability": c["fit_seconds"], "peak_rss_mb": round(_peak_mb()),
            "n_topics": c["n_topics"], "outlier_share": c["outlier_share"], "stability_ari": c["stability_ari"],
            "coherence_npmi": c["coherence_npmi"], "diversity": c["diversity"]}


def run_default(name: str, n: int) -> dict:
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from webcare_research.topics.embeddings import TfidfSvdEmbedder
    from webcare_research.topics.evaluation import npmi_coherence, stability_score, topic_diversity
    from webcare_research.topics.model import Preprocessor, brand_words
    texts, label = corpus(name, n)
    t0 = time.perf_counter()
    pre = Preprocessor("auto", brand_words(texts))
    docs, _ = pre(texts)

    def embed(sub: list[str], seed: int) -> np.ndarray:
        return TfidfSvdEmbedder(seed=seed).fit(sub).transform(sub)

    def model(seed: int) -> BERTopic:
        return BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                        low_memory=False, random_state=seed),
                        hdbscan_model=HDBSCAN(min_cluster_size=10, metric="euclidean",
                                              cluster_selection_method="eom", prediction_data=True),
                        vectorizer_model=CountVectorizer(token_pattern=r"\S+", lowercase=False))
    emb = embed(docs, 42)
    t_emb = time.perf_counter() - t0
    bt = model(42)
    topics, _ = bt.fit_transform(docs, embeddings=emb)
    fit = time.perf_counter() - t0
    topics = np.asarray(topics)
    words = [[w for w, s in bt.get_topic(t) if w] for t in sorted(set(topics)) if t != -1]
    idx = np.sort(np.random.default_rng(42).choice(len(docs), min(10000, len(docs)), replace=False))
    sub = [docs[i] for i in idx]
    stab = stability_score(lambda s: np.asarray(model(s).fit_transform(sub, embeddings=embed(sub, s))[0]),
                           (42, 43, 44))
    wall = time.perf_counter() - t0
    return {"corpus": label, "pipeline": "BERTopic default (umap+hdbscan)", "n_docs": len(texts),
            "wall_s": round(wall, 1), "fit_s_excl_stability": round(fit, 1), "peak_rss_mb": round(_peak_mb()),
            "n_topics": len(words), "outlier_share": round(float(np.mean(topics == -1)), 4),
            "stability_ari": round(stab, 4), "coherence_npmi": round(npmi_coherence(words, docs), 4),
            "diversity": round(topic_diversity(words), 4), "embed_s": round(t_emb, 1)}


def in_child(fn, *args) -> dict:
    with cf.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
        return ex.submit(fn, *args).result()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[20000, 100000])
    ap.add_argument("--corpora", nargs="+", default=["spotify", "demo"])
    ap.add_argument("--skip-default-above", type=int, default=10**9)
    ap.add_argument("--out", default=None, help="also write the table to this CSV (rewritten after each run)")
    a = ap.parse_args()
    rows = []
    for n in a.sizes:
        for name in a.corpora:
            if name == "spotify" and not SPOTIFY.exists():
                print(f"skip spotify: {SPOTIFY} absent")
                continue
            for fn in (run_webcare, run_default):
                if fn is run_default and n > a.skip_default_above:
                    continue
                r = in_child(fn, name, n)
                rows.append(r)
                print(r, flush=True)
                if a.out:
                    pd.DataFrame(rows).to_csv(a.out, index=False)
    df = pd.DataFrame(rows)
    base = df[df.pipeline.str.startswith("BERTopic")].set_index("corpus")["wall_s"]
    df["speedup_vs_default"] = [round(base.get(c, np.nan) / w, 1) for c, w in zip(df.corpus, df.wall_s)]
    if a.out:
        df.to_csv(a.out, index=False)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(df.drop(columns=[c for c in ("embed_s",) if c in df]).to_string(index=False))


if __name__ == "__main__":
    main()
