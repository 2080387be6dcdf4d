"""Thread reconstruction on the real twcs sample: first replies are direct organisation replies."""
import pandas as pd

from webcare_research.ingest.stage import ingest_frames
from webcare_research.mentions.schema import THREAD_COLUMNS
from webcare_research.threads.build import build_threads


def test_threads_on_shared_sample(shared_data):
    r = ingest_frames([shared_data / "twcs_sample" / "sample.csv"])
    m, t = r.mentions, r.threads
    assert list(t.columns) == THREAD_COLUMNS and t.message_id.is_unique
    assert len(t) == (m.author_role == "customer").sum()
    ans = t[t.answered]
    replies = m.set_index("message_id").loc[ans.first_reply_id]
    assert (replies.author_role == "organisation").all()
    assert (replies.in_reply_to_id.to_numpy() == ans.message_id.to_numpy()).all()
    assert (ans.frt_min >= 0).all() and ans.frt_business_min.isna().all()  # no opening hours given: no business-hours figure
    assert t.loc[~t.answered, "first_reply_id"].isna().all()
    # answered messages are addressed to the organisation that replied
    assert (ans.addressed_via == "reply").all()
    assert (ans.organisation.to_numpy() == replies.organisation.to_numpy()).all()
    # the thread rule never answers fewer messages than the direct rule
    tt = build_threads(m, None, reply_rule="thread")
    assert tt.answered.sum() >= t.answered.sum()


def test_reply_before_message_counts_as_answered_without_time():
    m = pd.DataFrame({"message_id": ["1", "2"], "conversation_id": ["1", "1"], "in_reply_to_id": [None, "1"],
                      "author_role": ["customer", "organisation"], "organisation": [None, "Belnet"],
                      "created_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 09:59"], utc=True),
                      "text": ["help", "ok"], "agent": [None, None], "channel": "twitter",
                      "author_id": ["p_1", "Belnet"], "is_public": True})
    t = build_threads(m, None)
    assert bool(t.answered[0]) and pd.isna(t.frt_min[0]) and pd.isna(t.frt_business_min[0])
