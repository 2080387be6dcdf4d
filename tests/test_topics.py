"""End-to-end tests of `webcare topics` (topics.topics_file): contract files and columns, row order, determinism."""
import json
import sys

import numpy as np
import pandas as pd
import pytest

from webcare_research.topics.embeddings import make_embedder
from webcare_research.topics.file import topics_file
from webcare_research.topics.model import TopicModel, load_model

EN = ["my playlist shuffle is broken again", "shuffle keeps playing the same songs in my playlist",
      "premium payment failed, card charged twice", "refund please, I was charged twice for premium",
      "app crashes on my iphone after the update", "iphone app crash since the latest update",
      "can't log in to my account, password reset email never arrives", "password reset link not working for login"]
NL = ["mijn pakket is nog steeds niet bezorgd @PostNL", "bezorging van mijn pakket duurt te lang",
      "factuur klopt niet, te veel betaald", "waarom is mijn factuur zo hoog dit jaar 😡 https://t.co/abc"]


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    d = tmp_path_factory.mktemp("topics_in")
    rng = np.random.default_rng(0)
    texts = [t + f" @user{int(rng.integers(50))}" for _ in range(30) for t in EN + NL]
    texts[5] = ""  # an empty message: must be kept, as an outlier
    df = pd.DataFrame({"id": np.arange(len(texts)) * 1.0, "text": texts, "score": rng.random(len(texts))})
    path = d / "messages.csv"
    df.to_csv(path)  # with an unnamed index column, like the Spotify file
    return path, df


def test_topics_file_contract(small_csv, tmp_path):
    path, df = small_csv
    card = topics_file(path, tmp_path / "out", seed=7, stability_seeds=2)
    out = tmp_path / "out"
    a = pd.read_parquet(out / "assignments.parquet")
    assert len(a) == len(df)
    assert a["id"].tolist() == df["id"].tolist()  # every row, in order
    assert a["text"].fillna("").tolist() == df["text"].fillna("").tolist()
    assert {"Unnamed: 0", "id", "text", "score", "topic", "topic_label"} <= set(a.columns)
    assert a["topic"].notna().all() and (a["topic"] >= -1).all()
    assert a.loc[5, "topic"] == -1  # empty text = outlier
    t = pd.read_csv(out / "topics.csv")
    assert {"topic", "size", "label", "top_words"} <= set(t.columns)
    assert t["size"].sum() == len(df)
    assert (t.loc[t.topic >= 0, "label"].str.len() > 0).all()
    # handles never become topic words, and examples are pseudonymised
    assert not t["top_words"].str.contains("user|postnl|http", regex=True).any()
    ex = " ".join(t.filter(like="example_").fillna("").to_numpy().ravel())
    assert "@user" not in ex
    c = json.loads((out / "model_card.json").read_text())
    for k in ("settings", "seed", "n_docs", "outlier_share", "stability_ari", "coherence_npmi", "diversity",
              "fit_seconds", "versions"):
        assert k in c, k
    assert c["seed"] == 7 and c["n_docs"] == len(df) and card["n_topics"] == c["n_topics"]
    assert c["stability_ari"] is not None and -1 <= c["stability_ari"] <= 1
    assert (out / "topic_sizes.png").exists()
    # the saved model assigns new messages to the same topics
    m = load_model(out / "model")
    assert m.transform(df["text"].fillna("").tolist()[:20]).tolist() == a["topic"].tolist()[:20]


def test_same_seed_same_assignments(small_csv, tmp_path):
    path, _ = small_csv
    topics_file(path, tmp_path / "a", seed=11, stability_seeds=0)
    topics_file(path, tmp_path / "b", seed=11, stability_seeds=0)
    a = pd.read_parquet(tmp_path / "a" / "assignments.parquet")
    b = pd.read_parquet(tmp_path / "b" / "assignments.parquet")
    pd.testing.assert_series_equal(a["topic"], b["topic"])
    pd.testing.assert_series_equal(a["topic_label"], b["topic_label"])


def test_mention_table_replies_not_modelled(tmp_path):
    texts = (EN + NL) * 10
    n = len(texts)
    m = pd.DataFrame({"message_id": [str(i) for i in range(n)], "text": texts,
                      "author_role": ["organisation" if i % 6 == 0 else "customer" for i in range(n)],
                      "organisation": ["A", "B"] * (n // 2), "channel": "twitter",
                      "created_at": pd.date_range("2026-01-05", periods=n, freq="h", tz="UTC")})
    m.to_parquet(tmp_path / "mentions.parquet")
    card = topics_file(tmp_path / "mentions.parquet", tmp_path / "out", stability_seeds=0)
    a = pd.read_parquet(tmp_path / "out" / "assignments.parquet")
    assert a.loc[a.author_role == "organisation", "topic"].isna().all()
    assert a.loc[a.author_role == "customer", "topic"].notna().all()
    assert card["n_modelled"] == int((m.author_role != "organisation").sum())
    assert {"over_time", "by_organisation", "by_channel"} <= set(card["views"])
    assert (tmp_path / "out" / "views" / "by_organisation.csv").exists()


def test_missing_text_column(small_csv, tmp_path):
    path, _ = small_csv
    with pytest.raises(ValueError, match="no text column"):
        topics_file(path, tmp_path / "x", text_column="body")


def test_missing_optional_backend_is_clear(monkeypatch, tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing is downloaded"):
        make_embedder("sentence-transformers", path=tmp_path / "no-model")
    monkeypatch.setitem(sys.modules, "model2vec", None)  # simulate the extra not installed
    with pytest.raises(ImportError, match="pip install model2vec"):
        make_embedder("model2vec", path=tmp_path)
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match="pip install sentence-transformers"):
        TopicModel(embedding="sentence-transformers", embedding_path=tmp_path).fit(EN)


def test_local_sentence_transformer(tmp_path):
    "A tiny sentence-transformers model built offline (static word embeddings) and loaded from its folder."
    st = pytest.importorskip("sentence_transformers")
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    words = sorted({w for t in EN + NL for w in t.lower().replace(",", " ").split()})
    vocab = {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}
    tok = tokenizers.Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    rng = np.random.default_rng(0)
    import torch
    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:
        from sentence_transformers.models import StaticEmbedding
    emb = StaticEmbedding(tok, embedding_weights=torch.tensor(rng.normal(size=(len(vocab), 16)),
                                                                        dtype=torch.float32))
    st.SentenceTransformer(modules=[emb]).save(str(tmp_path / "tiny"))
    texts = (EN + NL) * 5
    m = TopicModel(embedding="sentence-transformers", embedding_path=tmp_path / "tiny", n_topics=4,
                   stability_seeds=0).fit(texts)
    assert m.n_topics_ >= 2 and len(m.topics_) == len(texts)
    assert m.transform(texts[:6]).tolist() == m.topics_[:6].tolist()


def test_spotify_contract(shared_data, tmp_path):
    src = shared_data / "spotify_support_requests" / "support_requests.csv"
    if not src.exists():
        pytest.skip("spotify_support_requests not in shared data")
    # bare carriage returns inside some tweets: read with "\n" as the only line end (15,096 real rows, not 15,103)
    raw = pd.read_csv(src, lineterminator="\n")
    card = topics_file(src, tmp_path / "spot", lang="en", stability_seeds=2)
    a = pd.read_parquet(tmp_path / "spot" / "assignments.parquet")
    assert len(a) == len(raw) and a["tweet_id"].equals(raw["tweet_id"])
    assert card["n_topics"] >= 10 and card["outlier_share"] < 0.2
    t = pd.read_csv(tmp_path / "spot" / "topics.csv")
    words = " ".join(t["top_words"].fillna(""))
    assert "spotify" not in words.split(", ") and "spotifycares" not in words
    assert any(w in words for w in ("premium", "playlist", "shuffle", "song"))


_DETERMINISM_SCRIPT = r"""
import hashlib, sys, numpy as np
sys.path.insert(0, {tests!r})
from test_topics import EN, NL
from webcare_research.topics.model import TopicModel
rng = np.random.default_rng(0)
texts = [t + f" @user{{int(rng.integers(50))}}" for _ in range(30) for t in EN + NL]
texts[5] = ""
m = TopicModel(seed=11, stability_seeds=0).fit(texts)
print(hashlib.sha256(m.topics_.tobytes() + repr(sorted(m.topic_words_.items())).encode()).hexdigest())
"""


@pytest.mark.parametrize("threads", ["1", "2"])
def test_same_seed_across_processes_and_thread_counts(threads):
    "Separate processes with 1 and 2 BLAS/OpenMP threads give the same assignments and words as this one."
    import hashlib, os, subprocess, sys
    from pathlib import Path
    from webcare_research.topics.model import TopicModel
    rng = np.random.default_rng(0)
    texts = [t + f" @user{int(rng.integers(50))}" for _ in range(30) for t in EN + NL]
    texts[5] = ""
    m = TopicModel(seed=11, stability_seeds=0).fit(texts)
    here = hashlib.sha256(m.topics_.tobytes() + repr(sorted(m.topic_words_.items())).encode()).hexdigest()
    env = {**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    script = _DETERMINISM_SCRIPT.format(tests=str(Path(__file__).parent))
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip().splitlines()[-1] == here


def test_shuffled_rows_same_topics(small_csv):
    "Row order of the export does not change any message's topic."
    from webcare_research.topics.model import TopicModel
    _, df = small_csv
    texts = df["text"].fillna("").tolist()
    a = TopicModel(seed=11, stability_seeds=0).fit(texts)
    perm = np.random.default_rng(5).permutation(len(texts))
    b = TopicModel(seed=11, stability_seeds=0).fit([texts[i] for i in perm])
    back = np.empty_like(b.topics_)
    back[perm] = b.topics_
    assert back.tolist() == a.topics_.tolist()
    assert b.topic_words_ == a.topic_words_


def test_embedder_on_a_corpus_too_small_for_arpack():
    "21 texts with 21+ terms: ARPACK has no room for its Lanczos vectors (ncv > k + 1); the seeded solver takes over."
    from webcare_research.topics.embeddings import TfidfSvdEmbedder
    docs = [f"w{i} x{i % 3} y{i % 5}" for i in range(21)]
    a = TfidfSvdEmbedder(n_components=20).fit(docs).transform(docs)
    assert a.shape == (21, 20) and np.array_equal(a, TfidfSvdEmbedder(n_components=20).fit(docs).transform(docs))
