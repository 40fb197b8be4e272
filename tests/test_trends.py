"""Coverage over time: bins chosen from the span, dates that are missing or partial listed (never dropped
silently), volume, tone and frame shares per outlet and bin with article-bootstrap intervals, and their
figures. On the seeds (most articles without a full date) and the hand-made events corpus (tests/data/events).
"""
from __future__ import annotations

import csv
import warnings

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.compare import trends as T
from analysis.config import PROJECT_ROOT, get_settings

EVENTS = PROJECT_ROOT / "tests" / "data" / "events"


@pytest.fixture(scope="module")
def seeds():
    return analysis.open_study(progress=False)


@pytest.fixture(scope="module")
def events():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analysis.open_study(EVENTS / "articles.csv", story=EVENTS / "story.yaml", progress=False)


def _dates(start: str, days: int, n: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.integers(0, days, n)), unit="D"))


# ------------------------------------------------------------------------------------------- the bins
@pytest.mark.parametrize("start, days, n, unit", [
    ("2025-03-01", 14, 200, "day"),         # two weeks, many articles a day
    ("2025-01-01", 365, 1000, "week"),      # a year of 1,000 articles
    ("2025-01-01", 180, 42, "month"),       # the events corpus's shape
    ("2022-01-01", 3 * 365, 60, "quarter"),  # three years, few articles
    ("1990-01-01", 40 * 365, 400, "year"),   # decades
])
def test_unit_is_chosen_from_the_span_and_the_number_of_articles(start, days, n, unit):
    dates = _dates(start, days, n)
    got, rule = T.choose_time_unit(dates)
    assert got == unit, rule
    k = dates.dt.to_period(T.TIME_UNITS[unit]).nunique()
    assert k <= 60 or unit == "year"
    assert f"by {unit}" in rule and str(dates.min().date()) in rule


def test_too_few_articles_fall_back_to_the_fewest_bins_that_still_make_two():
    unit, rule = T.choose_time_unit(pd.Series(pd.to_datetime(["2025-01-05", "2025-03-20", "2025-06-30"])))
    assert unit == "quarter" and "too few dated articles (3)" in rule
    # March and April: two months and two quarters -> the finer of equals
    assert T.choose_time_unit(pd.Series(pd.to_datetime(["2025-03-04", "2025-03-06", "2025-04-07"])))[0] == "month"
    assert T.choose_time_unit(pd.Series(pd.to_datetime(["2025-01-05"])))[0] == "day"
    assert "nothing to bin" in T.choose_time_unit(pd.Series([], dtype="datetime64[ns]"))[1]


def test_unit_can_be_forced_and_a_wrong_one_is_refused(events):
    docs, iss = events.corpus.documents, events.corpus.issues
    tb = T.time_bins(docs, issues=iss, unit="week")
    assert tb.unit == "week" and "chosen by hand" in tb.rule
    assert (tb.articles["bin"].dt.dayofweek == 0).all()                    # weeks start on Monday
    first, last = tb.articles["date"].min(), tb.articles["date"].max()
    assert len(tb.bins) == (last.to_period("W-SUN") - first.to_period("W-SUN")).n + 1   # empty weeks kept
    with pytest.raises(ValueError, match="unit must be 'auto' or one of"):
        T.time_bins(docs, unit="fortnight")


# ------------------------------------------------------------------------------------------- missing dates
def test_seeds_missing_and_partial_dates_are_listed_with_what_is_known(seeds):
    meta = {r["doc_id"]: r for r in csv.DictReader(open(get_settings().seeds_dir / "metadata.csv", encoding="utf-8"))}
    st = T.date_status(seeds.corpus.documents, issues=seeds.corpus.issues).set_index("doc_id")
    full = {d for d, r in meta.items() if r["date"]}
    partial = {d for d, r in meta.items() if not r["date"] and (r["date_year"] or r["date_month"])}
    assert set(st.index[st.status == "full date"]) == full
    assert set(st.index[st.status == "partial date"]) == partial
    assert set(st.index[st.status == "no date"]) == set(meta) - full - partial
    for d in partial:
        r = meta[d]
        assert (r["date_year"] or "") in st.loc[d, "known"] and (r["date_day"] or "") in st.loc[d, "known"]
    docs = seeds.corpus.documents.set_index("doc_id")
    for d in set(meta) - full:       # a date printed on the page is shown, not used
        page = docs.loc[d, "page_date_text"]
        if isinstance(page, str):
            assert page in st.loc[d, "known"] and "not taken as the publication date" in st.loc[d, "known"]
    tb = T.time_bins(seeds.corpus.documents, issues=seeds.corpus.issues)
    assert set(tb.articles.doc_id) == full and set(tb.undated.doc_id) == set(meta) - full
    said = tb.describe()
    assert f"{len(full)} of {len(meta)} articles {'has' if len(full) == 1 else 'have'} a full date" in said
    assert "never dropped silently" in said


def test_events_corpus_odd_dates_are_not_binned_and_say_why(events):
    tb = T.time_bins(events.corpus.documents, issues=events.corpus.issues)
    und = tb.undated.set_index("doc_id")
    assert set(und.index) == {"kd06", "lg07", "nc10"}
    assert und.loc["nc10", "status"] == "partial date" and "year 2025 only" in und.loc["nc10", "known"]
    assert "relative date 'yesterday'" in und.loc["lg07", "why"]
    assert und.loc["kd06", "why"] == "no date in the source"
    n_docs = len(events.corpus.documents)
    assert len(tb.articles) + len(und) == n_docs                            # every article is somewhere
    assert not set(tb.articles.doc_id) & set(und.index)
    assert tb.unit == "month" and len(tb.bins) == 6


# ------------------------------------------------------------------------------------------- the measures
def test_volume_counts_every_binned_article_with_exact_poisson_intervals(events):
    from scipy.stats import poisson

    tb = T.time_bins(events.corpus.documents, issues=events.corpus.issues)
    vol = T.volume_over_time(tb)
    assert vol.articles.sum() == len(tb.articles)
    assert len(vol) == tb.articles.outlet.nunique() * len(tb.bins)          # zeros included
    per = tb.articles.groupby("outlet").size()
    assert (vol.groupby("outlet").articles.sum() == per).all()
    k, lo, hi = vol.articles.to_numpy(), vol.ci_low.to_numpy(), vol.ci_high.to_numpy()
    assert np.allclose(poisson.cdf(k, hi), 0.025)                          # Garwood: each tail 2.5%
    pos = k > 0
    assert np.allclose(poisson.sf(k[pos] - 1, lo[pos]), 0.025) and (lo[~pos] == 0).all()


def test_tone_over_time_matches_a_direct_computation_and_intervals_need_articles(events):
    tone = events.measure("sentence_tone")
    tone = tone[tone.method == "vader"]
    tb = T.time_bins(events.corpus.documents, issues=events.corpus.issues)
    t = T.time_means(tone, tb, value="tone", n_boot=500, seed=3, overall=True)
    merged = tone.merge(tb.articles[["doc_id", "bin"]], on="doc_id")
    direct = merged.groupby(["outlet", "bin"]).tone.agg(["mean", "size"])
    mine = t[t.outlet != T.ALL_OUTLETS].set_index(["outlet", "bin"])
    assert np.allclose(mine.loc[direct.index, "estimate"], direct["mean"])
    assert (mine.loc[direct.index, "n_units"] == direct["size"]).all()
    pooled = merged.groupby("bin").tone.mean()
    assert np.allclose(t[t.outlet == T.ALL_OUTLETS].set_index("bin").loc[pooled.index, "estimate"], pooled)
    few = t.n_articles < 5
    assert few.any() and (~few).any()
    assert (t.loc[few, "interval"] == [f"no interval ({n} article{'s' if n > 1 else ''})" for n in t.loc[few, "n_articles"]]).all()
    assert t.loc[few, ["ci_low", "ci_high"]].isna().all().all()
    ok = t[~few]
    assert (ok.interval == "articles").all() and ((ok.ci_low <= ok.estimate) & (ok.estimate <= ok.ci_high)).all()
    pd.testing.assert_frame_equal(t, T.time_means(tone, tb, value="tone", n_boot=500, seed=3, overall=True))


def test_bootstrap_resamples_articles_not_sentences():
    # one bin, 6 articles: 3 of 20 sentences at 1.0, 3 of 2 sentences at 0.0 -> the article bootstrap is wide
    docs = pd.DataFrame({"doc_id": list("abcdef"), "outlet": "A", "date": pd.Timestamp("2025-01-02")})
    rows = [("a", 1.0)] * 20 + [("b", 1.0)] * 20 + [("c", 1.0)] * 20 + [("d", 0.0)] * 2 + [("e", 0.0)] * 2 + [("f", 0.0)] * 2
    vals = pd.DataFrame(rows, columns=["doc_id", "value"])
    t = T.time_means(vals, T.time_bins(docs, unit="month"), n_boot=2000, seed=0).iloc[0]
    assert np.isclose(t.estimate, 60 / 66)
    assert t.ci_low < 0.75                                  # some resamples draw mostly the short, 0-valued articles
    from analysis.compare.stats import bootstrap_ci

    ref = bootstrap_ci(vals.assign(outlet="A"), value="value", by="outlet", cluster="doc_id", n_boot=2000, seed=0)
    assert abs(ref.ci_low.iloc[0] - t.ci_low) < 0.05 and abs(ref.ci_high.iloc[0] - t.ci_high) < 0.02


def test_time_trends_reads_the_store_and_frames_are_shares(events):
    tr = T.time_trends(events, tone_method="vader", n_boot=200)
    assert tr.settings["unit"] == "month" and tr.settings["tone_method"] == "vader"
    from analysis.measures.frames import load_codebook

    assert set(tr.frames.frame) == set(load_codebook("semetko_valkenburg").frames)
    assert tr.frames.estimate.between(0, 1).all()
    coded = events.measure("frame_codes", codebook="semetko_valkenburg")
    dated = set(tr.bins.articles.doc_id)
    sents = events.corpus.sentences
    n_sent = sents[sents.doc_id.isin(dated)].groupby("outlet").size()
    conflict = coded[(coded.frame == "conflict") & coded.doc_id.isin(dated)].groupby("outlet").sent_id.nunique()
    f = tr.frames[(tr.frames.frame == "conflict") & (tr.frames.outlet != T.ALL_OUTLETS)]
    fired = (f.estimate * f.n_units).groupby(f.outlet).sum().round().astype(int)
    assert (fired.reindex(n_sent.index, fill_value=0) == conflict.reindex(n_sent.index, fill_value=0)).all()
    assert (f.groupby("outlet").n_units.sum() == n_sent).all()


# ------------------------------------------------------------------------------------------- the figures
def _agg():
    import matplotlib

    matplotlib.use("Agg")


def test_volume_figure_draws_one_panel_per_outlet_and_names_the_undated(events):
    _agg()
    from analysis import viz

    tb = T.time_bins(events.corpus.documents, issues=events.corpus.issues)
    vol = T.volume_over_time(tb)
    fig = viz.plot_volume(vol, unit=tb.unit, undated=tb.undated)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    outlets = sorted(vol.outlet.unique())
    assert [ax.get_title(loc="left").split(" (")[0] for ax in axes] == outlets
    assert all(len(ax.patches) == len(tb.bins) for ax in axes)               # one bar per bin, zeros included
    heights = {ax.get_title(loc="left").split(" (")[0]: [p.get_height() for p in ax.patches] for ax in axes}
    for o in outlets:
        assert heights[o] == vol[vol.outlet == o].sort_values("bin").articles.tolist()
    note = " ".join(viz.figure_text(fig))
    assert all(d in note for d in tb.undated.doc_id) and "Not shown, no full date: 3 articles" in note
    wide = pd.concat([vol.assign(outlet=vol.outlet + f" {i}") for i in range(3)])   # 12 outlets: a bigger figure
    big = viz.plot_volume(wide, unit=tb.unit)
    assert big.get_size_inches()[1] > fig.get_size_inches()[1]
    assert sum(ax.get_visible() for ax in big.axes) == 12


def test_over_time_figure_draws_bands_only_where_there_are_intervals(events):
    _agg()
    from analysis import viz
    from matplotlib.collections import PolyCollection

    tone = events.measure("sentence_tone")
    tb = T.time_bins(events.corpus.documents, issues=events.corpus.issues)
    t = T.time_means(tone[tone.method == "vader"], tb, value="tone", n_boot=200, overall=True)
    fig = viz.plot_over_time(t, unit=tb.unit, ylabel="mean sentence tone", undated=tb.undated, zero_line=True)
    axes = {ax.get_title(loc="left").split(" (")[0]: ax for ax in fig.axes if ax.get_visible()}
    assert list(axes)[0] == T.ALL_OUTLETS and set(axes) == set(t.outlet)
    for o, ax in axes.items():
        d = t[t.outlet == o]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(bands) == int((d.interval == "articles").any()), o
        n_labels = [c.get_text() for c in ax.texts if c.get_text().startswith("n=")]
        assert sorted(n_labels) == sorted(f"n={n}" for n in d.loc[d.interval != "articles", "n_articles"])
    frames = T.time_means(events.measure("frame_codes", codebook="semetko_valkenburg").assign(fired=1.0)
                          .drop_duplicates(["sent_id", "frame"]), tb, value="fired", by=["frame"], n_boot=50)
    ff = viz.plot_over_time(frames, facet="frame", hue="outlet", unit=tb.unit, percent=True, max_facets=2)
    assert sum(ax.get_visible() for ax in ff.axes) == 2
    assert any("2 of" in t and "shown" in t for t in viz.figure_text(ff))
    empty = viz.plot_over_time(t.iloc[:0], undated=tb.undated)
    assert any("cannot be estimated" in x for x in viz.figure_text(empty))
