"""End-to-end tests of the service-level measures (survival, service, figures) on ingested data.

The fixture tests/fixtures/service/conversations.json is written in the exact layout of IBM's conversation JSON
(dialogHeader / dialogContent / agentURL, the final agent turn timed by its tweet-id snowflake); its numbers are
small enough to check by hand (Europe/Amsterdam is UTC+1 in January):

Belnet (4 inbound): 10:00 answered in 20 min with a DM redirect (^EK), the customer thanks after it (10:40, unanswered
follow-up); 20:30 evening message unanswered; 11:00 message tagging three parties answered in 60 min with a phone
redirect and "Fijne dag!" (Sabrina).
Zorgwijzer (3 inbound): Saturday 12:00 answered Monday 09:30 (2730 calendar min), Wednesday 23:30 unanswered,
Wednesday 13:00 answered in 5 min closing with "Fijne dag!" (Mark).
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from webcare_research.study.config import DEFAULT_OPENING_HOURS, load_config

NL = load_config(timezone="Europe/Amsterdam", opening_hours=DEFAULT_OPENING_HOURS)  # a Dutch study
from webcare_research.measures import conversation
from webcare_research.report import figures
from webcare_research.measures import service
from webcare_research.measures import survival
FIX = Path(__file__).resolve().parent / "fixtures" / "service"


@pytest.fixture(scope="module")
def ingested():
    ingest = pytest.importorskip("webcare_research.ingest.stage")
    cfg = load_config(FIX / "study.yml")
    res = ingest.ingest_frames([FIX / "conversations.json"], config=cfg)
    return res.mentions, res.threads, cfg


def _row(df, org):
    r = df[df.organisation == org]
    assert len(r) == 1, df
    return r.iloc[0]


def test_fixture_counts_add_up(ingested):
    m, t, _ = ingested
    assert len(m) == 11
    assert t.groupby("organisation").size().to_dict() == {"Belnet": 4, "Zorgwijzer": 3}


def test_km_by_hand(ingested):
    _, t, cfg = ingested
    km = survival.km_table(t, config=cfg)
    b, z = _row(km, "Belnet"), _row(km, "Zorgwijzer")
    assert (b.n, b.events, b.censored) == (4, 2, 2)
    # S(20) = 3/4, S(60) = 3/4 * 2/3 = 1/2 -> median 60; the two unanswered are censored at the window end
    assert b.km_median_min == 60.0
    assert b.answered_within_15m == 0.0 and b.answered_within_1h == pytest.approx(0.5)
    # S(5) = 2/3, the censored message (6360 min) outlives S4's reply at 2730: S(2730) = 1/3
    assert z.km_median_min == 2730.0
    assert z.answered_within_1h == pytest.approx(1 / 3) and z.answered_within_24h == pytest.approx(1 / 3)
    assert survival.observation_end(t) == pd.Timestamp("2026-01-12 08:30", tz="UTC")


def test_extended_measures_by_hand(ingested):
    m, t, cfg = ingested
    ext = service.extended_measures(m, t, cfg)
    assert ext[["organisation", "channel"]].values.tolist() == [["Belnet", "twitter"], ["Zorgwijzer", "twitter"]]
    b, z = _row(ext, "Belnet"), _row(ext, "Zorgwijzer")
    assert b.service_level == pytest.approx(2 / 4) and z.service_level == pytest.approx(1 / 3)
    assert b.service_level_km == pytest.approx(0.5)
    assert (b.evening_inbound, b.evening_response_rate) == (1, 0.0)
    assert b.daytime_response_rate == pytest.approx(2 / 3)
    assert (z.weekend_inbound, z.weekend_response_rate, z.evening_response_rate) == (1, 1.0, 0.0)
    assert z.weekend_frt_median_min == pytest.approx(2730.0)
    # conversations: Belnet S1 (customer thanks), S3 (org closes) resolved; Zorgwijzer only S6
    assert b.resolution_rate == 1.0 and z.resolution_rate == pytest.approx(0.5)
    assert b.turns_mean == pytest.approx((3 + 1 + 2) / 3)
    # hand-off: Belnet's two replies send to DM and phone
    assert b.handoff_share == 1.0 and b.handoff_dm_share == 0.5 and b.handoff_phone_share == 0.5
    assert b.first_reply_handoff_share == 1.0
    assert (b.agents_n, z.agents_n) == (2, 1)


def test_measures_beside_plain(ingested):
    pytest.importorskip("webcare_research.measures.basic")
    _, t, cfg = ingested
    rt = survival.response_time_table(t, cfg)
    b = _row(rt, "Belnet")
    assert b.frt_median_min == pytest.approx(40.0)  # plain median of the answered (20, 60)
    assert b.km_median_min == 60.0                   # KM counts the two unanswered ones
    assert (rt.n == rt.inbound).all() and (rt.events == rt.answered).all()
    assert "censored" in survival.response_time_definitions()


def test_fairness_tags(ingested):
    m, t, _ = ingested
    fa = service.fairness_audit(m, t)
    tags = fa[(fa.organisation == "Belnet") & (fa.dimension == "tags")].set_index("level")
    assert tags.inbound.to_dict() == {"1": 3, "3+": 1}
    assert tags.loc["3+", "answered"] == 1


def test_figures_from_ingested(ingested):
    m, t, cfg = ingested
    curves = survival.km_curves(t, config=cfg)
    fig = figures.plot_survival(curves, norm_min=cfg.response_norm_minutes)
    assert len(fig.axes[0].get_lines()) == 3
    how = service.hour_of_week(t, cfg)
    mat = figures.heatmap_matrix(how, "inbound")
    assert int(mat.sum().sum()) == 7 and mat.loc["za", 12] == 1
    hb = figures.handoff_bar_data(conversation.handoff_table(m, t))
    assert hb.loc["Belnet · twitter", "any"] == 1.0


def test_km_matches_direct_estimator():
    "lifelines via km_table against a direct product-limit computation on 5,000 random messages."
    rng = np.random.default_rng(7)
    n = 5000
    created = pd.Timestamp("2026-02-02", tz="UTC") + pd.to_timedelta(rng.uniform(0, 7 * 1440, n), unit="min")
    answered = rng.uniform(size=n) < 0.7
    frt = np.where(answered, np.round(rng.lognormal(3, 1.5, n)), np.nan)
    t = pd.DataFrame({"message_id": np.arange(n).astype(str), "organisation": "X", "channel": "twitter",
                      "created_at": created, "answered": answered, "frt_min": frt, "frt_business_min": frt})
    t["first_reply_at"] = (t.created_at + pd.to_timedelta(np.nan_to_num(frt), unit="min")).where(t.answered)
    end = pd.Timestamp("2026-02-09", tz="UTC")
    km = survival.km_table(t, window_end=end).iloc[0]
    sd = survival.survival_data(t, window_end=end)
    d, e = sd.duration_min.to_numpy(), sd.event.to_numpy().astype(bool)
    s = 1.0
    for u in np.unique(d[e]):
        if u > 60:
            break
        s *= 1 - (e & (d == u)).sum() / (d >= u).sum()
    assert km.answered_within_1h == pytest.approx(1 - s, abs=1e-12)
    # with the default window (no reply after its end) the naive share counts messages posted in the last hour as
    # misses, KM censors them: KM can only be higher
    sl = service.service_level_table(t, load_config(timezone="Europe/Amsterdam", opening_hours=DEFAULT_OPENING_HOURS)).iloc[0]
    assert sl.service_level_km >= sl.service_level - 1e-12


def test_ibm_customer_care(shared_data):
    ingest = pytest.importorskip("webcare_research.ingest.stage")
    res = ingest.ingest_frames([shared_data / "ibm_customer_care" / "dev.json"])
    m, t = res.mentions, res.threads
    cfg = load_config(timezone="Europe/Amsterdam", opening_hours=DEFAULT_OPENING_HOURS)
    ext = service.extended_measures(m, t, cfg)
    addressed = t[t.organisation.notna()]
    assert len(ext) == addressed.groupby(["organisation", "channel"]).ngroups > 10
    inbound = addressed.groupby("organisation").size()
    assert (ext.set_index("organisation").km_n == inbound.reindex(ext.organisation).to_numpy()).all()
    assert (ext.answered_within_24h >= ext.answered_within_1h - 1e-12).all()
    assert ext.handoff_share.between(0, 1).all() and (ext.handoff_share > 0).any()
    assert ext.resolution_rate.dropna().between(0, 1).all()
    assert int(service.hour_of_week(t, cfg).inbound.sum()) == len(addressed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numpy_km_equals_lifelines(seed):
    "The vectorised product-limit estimator against lifelines on random data with ties, censoring and several groups."
    rng = np.random.default_rng(seed)
    n = 4000
    grp = rng.integers(0, 5, n)
    dur = np.round(rng.lognormal(2.5, 1.5, n)) + np.where(grp == 3, 30, 0)  # whole minutes: many ties
    ev = (rng.uniform(size=n) < np.where(grp == 4, 1.0, rng.uniform(0.3, 0.9))).astype(int)
    pl = survival.km_product_limit(dur, ev, grp)
    for g in range(5):
        kmf = survival.fit_km(dur[grp == g], ev[grp == g])
        c = pl[pl.group == g]
        assert np.array_equal(c.time_min.to_numpy(), kmf.survival_function_.index.to_numpy(dtype="float64"))
        assert np.allclose(c.survival, kmf.survival_function_.iloc[:, 0])
        assert np.allclose(c[["ci_low", "ci_high"]], kmf.confidence_interval_survival_function_)
    # the tidy tables: S at the horizons, the median and the CI bounds of both
    created = pd.Timestamp("2026-03-02", tz="UTC") + pd.to_timedelta(rng.uniform(0, 14 * 1440, n), unit="min")
    frt = np.where(ev == 1, dur, np.nan)
    t = pd.DataFrame({"message_id": np.arange(n).astype(str), "organisation": np.array(list("ABCDE"))[grp],
                      "channel": np.where(rng.uniform(size=n) < 0.5, "twitter", "facebook"), "created_at": created,
                      "answered": ev == 1, "frt_min": frt, "frt_business_min": frt})
    t["first_reply_at"] = (t.created_at + pd.to_timedelta(np.nan_to_num(frt), unit="min")).where(t.answered)
    for business in (False, True):
        fast = survival.km_table(t, business=business, config=NL)
        ref = survival.km_table(t, business=business, engine="lifelines", config=NL)
        pd.testing.assert_frame_equal(fast, ref, rtol=1e-12)
        assert len(fast) == 10 and np.isfinite(fast.filter(like="answered_within").to_numpy(dtype=float)).all()
    pd.testing.assert_frame_equal(survival.km_curves(t), survival.km_curves(t, engine="lifelines"), rtol=1e-12)
