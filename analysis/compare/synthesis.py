"""All measures side by side per outlet, each claim tied to the sentences behind it.

:func:`synthesize` runs the collection's methods once on a parsed corpus and returns a :class:`Synthesis`:

* ``comparison``: the *same* quantity for every outlet (overall tone, tone of sentences about the main
  actor groups, share of sentences firing each generic frame, topic shares, how often an actor group is
  the agent rather than the patient of a verb, share of quotations per speaker group, distancing markers
  around accusations), each with a bootstrap interval and its ``n``.
* ``claims``: per outlet, one headline per measure family (its largest topic, its most distinctive words,
  its tone, its most salient frame, its main agent, its main voice, its attribution style), each with a
  value, interval, ``n`` and a computed ``caveat`` that says where the corpus is too small to carry it.
* ``evidence``: the sentences behind every claim (``claim_id`` -> ``sent_id``, text, why it was picked).

Intervals follow :func:`analysis.compare.stats.interval_policy`, decided per outlet: an outlet with at least
:data:`analysis.compare.stats.SMALL_N` articles resamples whole articles; one with fewer resamples units
(sentences, quotes, verb roles), whose intervals then describe only *these* articles. The ``interval``
column says which was used per row, and ``small_n``/``n_clusters`` count articles; a claim whose interval
resamples units says so in its caveat ("interval over sentences, not articles"), the side-by-side table's first
row and the claims page give each outlet's level (:func:`interval_levels_in_words`), and
:meth:`Synthesis.clear_differences` rests only on :meth:`Synthesis.outlet_differences` (articles resampled and
permuted for every outlet, whatever its interval level; an outlet with one article cannot be compared).

>>> from analysis.compare.synthesis import FAMILIES
>>> FAMILIES[:3]
('coverage', 'topics', 'distinctive words')
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compare.stats import IntervalPolicy, interval_policy, top_item

#: Measure families in reading order (rows of the side-by-side table).
FAMILIES = ("coverage", "topics", "distinctive words", "tone", "tone about actors", "frames", "agency",
            "voices", "attribution")
CLAIM_COLUMNS = ["claim_id", "outlet", "family", "subject", "statement", "value", "ci_low", "ci_high", "n",
                 "unit", "interval", "n_articles", "caveat"]
EVIDENCE_COLUMNS = ["claim_id", "outlet", "family", "rank", "doc_id", "sent_id", "why", "text"]
COMPARISON_COLUMNS = ["family", "quantity", "outlet", "estimate", "ci_low", "ci_high", "n_units", "n_clusters",
                      "unit", "interval", "small_n"]
#: Fewer evidence units than this and a claim is flagged as thin.
MIN_EVIDENCE = 5
#: What a synthesis of fewer than two outlets says about comparing outlets.
ONE_OUTLET = ("outlet comparisons cannot be estimated: {n} outlet(s); comparing outlets needs at least 2 "
              "(every claim describes this outlet only)")


@dataclass
class Synthesis:
    """The output of :func:`synthesize`: three tidy tables plus the intermediate tables they came from."""

    comparison: pd.DataFrame
    claims: pd.DataFrame
    evidence: pd.DataFrame
    settings: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: :meth:`outlet_differences` tables already computed, by their arguments (they are seeded: the same table)
    _differences: dict = field(default_factory=dict, repr=False, compare=False)

    def side_by_side(self) -> pd.DataFrame:
        """Wide table: one row per measure family, one column per outlet, cells = the claim statements.

        Its first row, ``("coverage", "intervals")``, says what each outlet's intervals resample (the
        per-outlet decision of :func:`analysis.intervals.interval_policy`): its articles, or its sentences
        (quotations, verb roles) when it has too few articles, so that every number below is read at its level.
        """
        c = self.claims.assign(family=pd.Categorical(self.claims["family"], FAMILIES, ordered=True))
        c = c.assign(cell=np.where(c["caveat"].eq(""), c["statement"], c["statement"] + "  ⚠ " + c["caveat"]))
        wide = c.pivot_table(index=["family", "subject"], columns="outlet", values="cell", aggfunc="first",
                             observed=True).fillna("")
        levels = interval_levels_in_words(self.settings)
        if levels and len(wide.columns):
            row = pd.DataFrame([[levels.get(o, "") for o in wide.columns]], columns=wide.columns,
                               index=pd.MultiIndex.from_tuples([("coverage", "intervals")], names=wide.index.names))
            wide = pd.concat([row, wide])
        return wide

    def evidence_for(self, claim_id: str) -> pd.DataFrame:
        """The sentences behind one claim, in rank order."""
        return self.evidence[self.evidence["claim_id"] == claim_id].sort_values("rank").reset_index(drop=True)

    def outlet_differences(self, *, n_perm: int = 2000, alpha: float = 0.05, seed: int | None = None,
                           n_boot: int | None = None) -> pd.DataFrame:
        """Every compared quantity, each outlet against the rest (:func:`analysis.compare.stats.outlet_differences`).

        Columns ``family, quantity, outlet, estimate, rest, difference, ci_low, ci_high, p_value, q_value,
        n_articles, verdict``: the difference of the outlet's unit mean from every other outlet's, an interval
        that resamples articles, a permutation p-value (outlet labels shuffled over articles) and a
        Benjamini-Hochberg ``q_value`` over every row with a p-value (the whole table is the family).
        ``verdict`` is ``"not distinguishable"`` unless ``q_value < alpha``; an outlet with one article
        "cannot be estimated". Seed and ``n_boot`` default to the synthesis's own. Fewer than two outlets:
        an empty table and a warning that outlet comparisons cannot be estimated.
        """
        from analysis.compare.stats import DIFFERENCE_COLUMNS, cannot_estimate, outlet_differences

        n_outlets = self.comparison["outlet"].nunique() if len(self.comparison) else len(set(self.claims["outlet"]))
        cols = ["family", "quantity", *DIFFERENCE_COLUMNS]
        if n_outlets < 2:
            cannot_estimate(ONE_OUTLET.format(n=n_outlets))
            return pd.DataFrame(columns=cols)
        units = self.tables.get("units")
        if units is None or units.empty:
            return pd.DataFrame(columns=cols)
        n_boot = int(n_boot or self.settings.get("n_boot", 2000))
        seed = int(self.settings.get("seed", 42) if seed is None else seed)
        key = (n_perm, alpha, seed, n_boot, len(units))
        if key not in self._differences:   # permutations and bootstraps of every quantity: computed once
            self._differences[key] = outlet_differences(
                units, outlet="outlet", cluster="doc_id", value="value", by=["family", "quantity"], n_boot=n_boot,
                n_perm=n_perm, seed=seed, alpha=alpha)[cols]
        return self._differences[key].copy()

    def clear_differences(self, *, n_perm: int = 2000, alpha: float = 0.05, seed: int | None = None) -> pd.DataFrame:
        """The rows of :meth:`outlet_differences` that the data support: ``q_value < alpha`` (Benjamini-Hochberg
        over every comparison in that table), largest differences first. Same columns. An empty table means
        no outlet is distinguishable from the rest on any quantity at this corpus size.
        """
        d = self.outlet_differences(n_perm=n_perm, alpha=alpha, seed=seed)
        keep = d["q_value"].notna() & (d["q_value"].astype(float) < alpha)
        d = d[keep]
        return d.iloc[np.argsort(-np.abs(d["difference"].to_numpy(dtype=float)), kind="stable")].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- helpers
def _policy_for(documents: pd.DataFrame, cluster: str | None, policy: IntervalPolicy | None) -> IntervalPolicy:
    """The interval policy of a synthesis: ``policy``, or per outlet (``"auto"``), or forced by ``cluster``."""
    if policy is not None:
        if cluster != "auto":
            raise ValueError("pass either policy= or cluster=, not both")
        return policy
    if cluster == "auto":
        return interval_policy(documents)
    if cluster not in ("doc_id", None):
        raise ValueError(f"cluster must be 'auto', 'doc_id' or None, not {cluster!r}")
    return interval_policy(documents, resample="articles" if cluster else "units")


class _Collector:
    """Keeps the unit-level values behind every compared quantity and their per-outlet intervals."""

    def __init__(self, *, policy: IntervalPolicy, n_boot: int, seed: int):
        self.policy, self.n_boot, self.seed = policy, n_boot, seed
        self.units: list[pd.DataFrame] = []
        self.comparison: list[pd.DataFrame] = []

    def measure(self, df: pd.DataFrame, *, value: str, by: list[str], family: str, quantity: str,
                unit: str, fixed_quantity: bool = False) -> pd.DataFrame:
        """Interval per ``by`` group; ``quantity`` is a column of ``df`` (or a fixed name if ``fixed_quantity``)."""
        ci = self.policy.intervals(df, value=value, by=by, unit=unit, n_boot=self.n_boot, seed=self.seed)
        q = (lambda d: quantity) if fixed_quantity else (lambda d: d[quantity])
        u = pd.DataFrame({"family": family, "quantity": q(df), "outlet": df["outlet"], "doc_id": df["doc_id"],
                          "value": df[value].astype(float), "unit": unit})
        self.units.append(u)
        out = ci.assign(family=family, quantity=q(ci), unit=unit)
        self.comparison.append(out[COMPARISON_COLUMNS])
        return ci


def _term_tokens(scores: pd.DataFrame, tokens: pd.DataFrame, *, n: int) -> pd.DataFrame:
    """The tokens whose lemma is one of the ``n`` most distinctive single-word terms of some outlet: the only rows
    :func:`analysis.measures.distinctive.distinctive_contexts` can match (a one-word term matches one token), so
    its lines are the same as from every token, without matching the whole corpus. All tokens when a term has
    several words."""
    from analysis.measures.distinctive import top_distinctive

    terms = set(top_distinctive(scores, n=n)["term"].astype(str).str.lower())
    if any(" " in t for t in terms) or "lemma" not in tokens.columns:
        return tokens
    return tokens[tokens["lemma"].astype(str).str.lower().isin(terms)]
def interval_levels_in_words(settings: dict) -> dict[str, str]:
    """Per outlet, what its intervals resample, in words, from a synthesis's ``settings["interval_policy"]``:
    ``"over its 12 articles"`` or ``"over sentences, quotations, verb roles (2 articles: these articles only)"``.

    >>> interval_levels_in_words({"interval_policy": [{"outlet": "A", "n_articles": 12, "resample": "articles"},
    ...                                               {"outlet": "B", "n_articles": 1, "resample": "units"}]})
    {'A': 'over its 12 articles', 'B': 'over sentences, quotations, verb roles (1 article: this article only)'}
    """
    out = {}
    for r in settings.get("interval_policy", []):
        n = int(r["n_articles"])
        if r["resample"] == "articles":
            out[r["outlet"]] = f"over its {n} articles"
        else:
            only = "1 article: this article only" if n == 1 else f"{n} articles: these articles only"
            out[r["outlet"]] = f"over sentences, quotations, verb roles ({only})"
    return out


def _caveat(*, n_articles: int, min_articles: int, n: float, unit: str = "", extra: str = "",
            interval: str = "") -> str:
    notes = []
    if n_articles == 1:
        notes.append("one article: describes this article, not the outlet")
    elif n_articles < min_articles:
        notes.append(f"only {n_articles} articles")
    if interval not in ("", "none", "articles"):   # this outlet's intervals resample units, not articles
        notes.append(f"interval over {interval}, not articles")
    if not pd.isna(n) and n < MIN_EVIDENCE:
        notes.append(f"only {int(n)} {unit or 'units'}")
    if interval == "none":
        notes.append("no interval: fewer than 2 units to resample")
    if extra:
        notes.append(extra)
    return "; ".join(notes)


def _flagged(table: pd.DataFrame, *, item: str, estimate: str = "estimate", pct: bool = False):
    """The top row of ``table`` and ``"; tied with A; not distinguishable from B, 24%"`` (``""`` when clear).

    Ties are equal estimates, near-ties intervals overlapping the top item's (when ``table`` has intervals);
    see :func:`analysis.compare.stats.top_item`.
    """
    top = top_item(table, item=item, estimate=estimate)
    fmt = (lambda v: f"{v:.0%}") if pct else (lambda v: f"{v:.2f}" if estimate != "count" else f"{int(v)}")
    flag = top.flag(fmt)
    row = table[table[item].astype(str) == top.name].iloc[0]
    return row, (f"; {flag}" if flag else "")


def _fmt_ci(est: float, lo: float, hi: float, *, pct: bool = False) -> str:
    if pd.isna(est):
        return "n/a"
    f = (lambda v: f"{v:.0%}") if pct else (lambda v: f"{v:+.2f}")
    if pd.isna(lo) or pd.isna(hi) or np.isclose(lo, hi):
        return f(est)
    return f"{f(est)} [{f(lo)}, {f(hi)}]"


class _Builder:
    """Accumulates claims and evidence rows."""

    def __init__(self, documents: pd.DataFrame, *, min_articles: int):
        self.min_articles = min_articles
        self.claims: list[dict] = []
        self.evidence: list[dict] = []
        self.n_articles = documents.groupby("outlet")["doc_id"].nunique().to_dict()

    def claim(self, outlet: str, family: str, subject: str, statement: str, *, value=np.nan, ci_low=np.nan,
              ci_high=np.nan, n=np.nan, unit: str = "", interval: str = "", extra: str = "",
              evidence: pd.DataFrame | None = None, why=None) -> str:
        claim_id = f"{outlet} · {family} · {subject}"
        na = int(self.n_articles.get(outlet, 0))
        self.claims.append({"claim_id": claim_id, "outlet": outlet, "family": family, "subject": subject,
                            "statement": statement, "value": value, "ci_low": ci_low, "ci_high": ci_high, "n": n,
                            "unit": unit, "interval": interval, "n_articles": na,
                            "caveat": _caveat(n_articles=na, min_articles=self.min_articles, n=n, unit=unit,
                                              extra=extra, interval=interval)})
        if evidence is not None and len(evidence):
            for rank, (_, r) in enumerate(evidence.iterrows(), start=1):
                self.evidence.append({"claim_id": claim_id, "outlet": outlet, "family": family, "rank": rank,
                                      "doc_id": r["doc_id"], "sent_id": r["sent_id"],
                                      "why": why(r) if callable(why) else (why or ""), "text": r["text"]})
        return claim_id


# ------------------------------------------------------------------------------------------------ synthesis
def synthesize(
    study,
    *,
    story=None,
    seed: int = 42,
    tone_method: str | None = None,
    codebook: str | Path = "semetko_valkenburg",
    n_topics: int | None = None,
    n_actor_groups: int = 2,
    n_voice_groups: int = 3,
    n_evidence: int = 2,
    cluster: str | None = "auto",
    policy: IntervalPolicy | None = None,
    n_boot: int = 2000,
    progress: bool | None = None,
) -> Synthesis:
    """Line every measure up per outlet, reading each from the study's measure store.

    ``study`` is an :class:`analysis.Study` (``analysis.open_study``), or a ``Corpus`` together with ``story``
    (an :class:`analysis.story.Story`). The tables come from the same store the notebooks read, so every
    number here equals the one the notebooks show. ``tone_method`` defaults to ``"hybrid"`` when the
    embedding model is installed, else ``"vader"``. ``n_topics=None`` chooses ``k`` with the registry's one
    rule (:func:`analysis.measures.topic_plan`, NMF, coherence among stable ``k``).
    ``n_actor_groups`` actor groups (the most mentioned
    through the actor table) get a tone-about-actor claim and an agency quantity; ``n_voice_groups`` speaker
    groups get a voice-share quantity. ``cluster="auto"`` picks article- or unit-level intervals per outlet
    (``policy``, default ``interval_policy(corpus.documents)``; see module docstring); pass ``"doc_id"`` or
    ``None`` to force one level for every outlet. ``progress``: a bar over the nine steps (default: on
    above 200 documents).
    """
    from analysis.measures import distinctive
    from analysis.measures import frames as framing
    from analysis.measures import tone as sentiment
    from analysis.measures.resources import has_markers
    from analysis.measures.registry import MeasureStore, topic_model_from_table, topic_model_limits
    from analysis.measures.topics import topic_shares

    if hasattr(study, "measures") and hasattr(study, "corpus"):
        corpus, store = study.corpus, study.measures
    else:
        if story is None:
            raise TypeError("synthesize needs an analysis.Study, or a Corpus and story=")
        corpus, store = study, MeasureStore(study, story)
    docs, sents = corpus.documents, corpus.sentences
    pol = _policy_for(docs, cluster, policy)
    method = tone_method or ("hybrid" if "hybrid" in sentiment.available_methods() else "vader")
    B = _Builder(docs, min_articles=pol.min_articles)
    C = _Collector(policy=pol, n_boot=n_boot, seed=seed)
    tables: dict[str, pd.DataFrame] = {}
    outlets = sorted(docs["outlet"].unique())
    show = progress if progress is not None else len(docs) > 200
    if show:
        from tqdm.auto import tqdm
    else:  # the plain class: tqdm.auto warns in notebooks without ipywidgets even when disabled
        from tqdm import tqdm
    steps = tqdm(total=9, desc="synthesis", disable=not show)

    # coverage ------------------------------------------------------------------------------------------
    cov = store.get("coverage").set_index("outlet")
    tables["coverage"] = cov.reset_index()
    for o, r in cov.iterrows():
        B.claim(o, "coverage", "size",
                f"{int(r.articles)} article(s), {int(r.words):,} words, {int(r.sentences)} sentences",
                value=float(r.articles), n=float(r.sentences), unit="sentences")
    steps.update()

    # topics ----------------------------------------------------------------------------------------------
    topic_params = {"seed": seed, "k": n_topics if n_topics is not None else "auto"}
    k = store.resolve("topic_model", **topic_params)["k"]
    if n_topics is None:
        tables["topic_selection"] = store.get("topic_selection", seed=seed)
    nmf = topic_model_from_table(store.get("topic_model", **topic_params), seed=seed)
    long = topic_shares(nmf).dropna(subset=["share"])
    tables["topic_shares"] = long
    if nmf.k == 0:   # the corpus is too small for a topic model: say why for every outlet
        why = topic_model_limits(store, seed=seed) or "topic model cannot be estimated from this corpus"
        for o in outlets:
            B.claim(o, "topics", "largest topic", why, unit="sentences", extra="cannot be estimated")
        tci = pd.DataFrame(columns=["outlet", "label"])
    else:
        tci = C.measure(long, value="share", by=["outlet", "label"], family="topics", quantity="label",
                        unit="sentences")
    long_text = long.merge(sents[["sent_id", "text"]], left_on="unit_id", right_on="sent_id", how="left")
    from analysis.measures.topics import coherence_problem

    incoherent = coherence_problem(tables["topic_selection"]) if "topic_selection" in tables else ""
    for o, g in tci.groupby("outlet"):
        top, flag = _flagged(g, item="label", pct=True)
        ev = (long_text[(long_text.outlet == o) & (long_text.label == top.label)]
              .sort_values(["share", "sent_id"], ascending=[False, True]).head(n_evidence))
        B.claim(o, "topics", "largest topic",
                f"{top.label}: {_fmt_ci(top.estimate, top.ci_low, top.ci_high, pct=True)} of its sentences' topic weight"
                f"{flag}",
                value=top.estimate, ci_low=top.ci_low, ci_high=top.ci_high, n=top.n_units, unit="sentences",
                interval=top.interval, evidence=ev, extra=incoherent,
                why=lambda r, lab=top.label: f"{r['share']:.0%} {lab.split(' ')[0]}")
    steps.update()

    # distinctive words -----------------------------------------------------------------------------------
    counts = store.get("term_counts")
    no_comparison = distinctive.comparison_problem(counts)
    scores = distinctive.log_odds_dirichlet(counts)
    tables["distinctive"] = scores
    top = distinctive.top_distinctive(scores, n=3, min_count=2)
    ctx = distinctive.distinctive_contexts(scores, _term_tokens(scores, corpus.tokens, n=1), documents=docs, n=1)
    for o in outlets:
        t = top[top.outlet == o]
        if no_comparison:
            B.claim(o, "distinctive words", "top words", no_comparison, extra="cannot be estimated")
            continue
        if t.empty:
            B.claim(o, "distinctive words", "top words", "no word used twice or more", extra="no evidence")
            continue
        best = t.iloc[0]
        # the most distinctive word is tied when another word the outlet used twice or more has the same z
        mine = scores[(scores.outlet == o) & (scores["count"] >= 2)]
        same = sorted(set(mine.loc[np.isclose(mine.z.to_numpy(dtype=float), float(best.z), rtol=0, atol=1e-12),
                                   "term"].astype(str)) - {str(best.term)})
        flag = f"; tied with {', '.join(same[:3])}" + (f" and {len(same) - 3} more" if len(same) > 3 else "") if same else ""
        words = ", ".join(f"{r.term} (z {r.z:.1f}, {r['count']}x)" for _, r in t.iterrows()) + flag
        c = ctx[(ctx.outlet == o) & (ctx.term == best.term)].drop_duplicates("sent_id").head(n_evidence)
        ev = c.merge(sents[["sent_id", "text"]], on="sent_id", how="left")
        passes = bool((scores[scores.outlet == o].z >= 1.96).any())
        B.claim(o, "distinctive words", "top words", words, value=best.z, n=float(best["count"]), unit="uses",
                extra="" if passes else "no word reaches z 1.96", evidence=ev,
                why=lambda r, term=best.term: f"uses '{term}'")
    steps.update()

    # tone ------------------------------------------------------------------------------------------------
    tone = store.get("sentence_tone")
    tone = tone[tone["method"] == method].reset_index(drop=True)
    tables["tone"] = tone
    oci = C.measure(tone, value="tone", by=["outlet"], family="tone", quantity=f"mean sentence tone ({method})",
                    unit="sentences", fixed_quantity=True)
    ext = sentiment.extreme_sentences(tone, method=method, n=1)
    for _, r in oci.iterrows():
        ev = ext[ext.outlet == r.outlet]
        B.claim(r.outlet, "tone", "all sentences",
                f"mean sentence tone {_fmt_ci(r.estimate, r.ci_low, r.ci_high)} ({method}, -1 to +1)",
                value=r.estimate, ci_low=r.ci_low, ci_high=r.ci_high, n=r.n_units, unit="sentences",
                interval=r.interval, evidence=ev,
                why=lambda e: f"{e['polarity']} ({e['tone']:+.2f})")
    steps.update()

    # tone about actors -----------------------------------------------------------------------------------
    mentions = store.get("actor_mentions")
    tables["mentions"] = mentions
    alias = mentions[mentions["method"] == "alias"]
    focus = (alias.drop_duplicates(["sent_id", "group"]).groupby("group").size()
             .sort_values(ascending=False, kind="stable").head(n_actor_groups).index.tolist())
    at = sentiment.actor_tone(tone, mentions, level="group", actors=focus)
    tables["actor_tone"] = at
    if len(at):
        aci = C.measure(at.assign(q="tone of sentences about " + at["actor"]), value="tone", by=["outlet", "actor", "q"],
                        family="tone about actors", quantity="q", unit="sentences")
        for _, r in aci.iterrows():
            cand = at[(at.outlet == r.outlet) & (at.actor == r.actor)].merge(sents[["sent_id", "text"]], on="sent_id")
            ev = cand.sort_values(["tone", "sent_id"]).head(1)
            ev = pd.concat([ev, cand.sort_values(["tone", "sent_id"], ascending=[False, True]).head(1)]).drop_duplicates("sent_id")
            B.claim(r.outlet, "tone about actors", r.actor,
                    f"{_fmt_ci(r.estimate, r.ci_low, r.ci_high)} in {int(r.n_units)} sentences naming {r.actor}",
                    value=r.estimate, ci_low=r.ci_low, ci_high=r.ci_high, n=r.n_units, unit="sentences",
                    interval=r.interval, evidence=ev,
                    why=lambda e: f"tone {e['tone']:+.2f}")
    steps.update()

    # frames ----------------------------------------------------------------------------------------------
    cb = framing.load_codebook(codebook) if not isinstance(codebook, framing.Codebook) else codebook
    coded = store.get("frame_codes", codebook=cb.path or cb.name)
    mat = framing.sentence_frame_matrix(corpus, cb, coded=coded)
    tables["frames"] = mat
    labels = {kk: f.label for kk, f in cb.frames.items()}
    fci = C.measure(mat.assign(label=mat["frame"].map(labels)), value="fired", by=["outlet", "label"],
                    family="frames", quantity="label", unit="sentences")
    nev = mat.assign(label=mat["frame"].map(labels)).groupby(["outlet", "label"]).fired.sum()
    inv = {v: kk for kk, v in labels.items()}
    for o, g in fci.groupby("outlet"):
        top, flag = _flagged(g, item="label", pct=True)
        n_fired = int(nev.get((o, top.label), 0))
        ev = framing.top_evidence(coded, frame=inv[top.label], outlet=o, n=n_evidence)
        B.claim(o, "frames", "most salient frame",
                f"{top.label}: {_fmt_ci(top.estimate, top.ci_low, top.ci_high, pct=True)} of sentences "
                f"({n_fired} fire it){flag}",
                value=top.estimate, ci_low=top.ci_low, ci_high=top.ci_high, n=float(n_fired), unit="sentences",
                interval=top.interval, evidence=ev,
                why=lambda e: f"questions {e['questions']}")
    steps.update()

    # agency ----------------------------------------------------------------------------------------------
    svo = store.get("svo")
    tables["svo"] = svo
    roles = pd.concat([
        svo[svo.agent_group.notna()].assign(group=svo["agent_group"], is_agent=1.0),
        svo[svo.patient_group.notna()].assign(group=svo["patient_group"], is_agent=0.0),
    ], ignore_index=True)
    tables["roles"] = roles
    if len(roles):
        ag_focus = [g for g in focus if g in set(roles.group)] or roles.group.value_counts().head(n_actor_groups).index.tolist()
        rr = roles[roles.group.isin(ag_focus)]
        C.measure(rr.assign(q=rr["group"] + ": share of its verb roles as agent"), value="is_agent",
                  by=["outlet", "q"], family="agency", quantity="q", unit="verb roles")
    for o in outlets:
        ro = roles[(roles.outlet == o) & (roles.is_agent == 1.0)]
        if ro.empty:
            B.claim(o, "agency", "main agent", "no known actor is the subject of a verb", n=0.0, unit="verb roles")
            continue
        vc = ro.group.value_counts()
        top, tied = _flagged(vc.rename("count").rename_axis("group").reset_index(), item="group", estimate="count")
        g = top.group
        mine = roles[(roles.outlet == o) & (roles.group == g)]
        verbs = ro[ro.group == g].verb_lemma.value_counts().head(3)
        ev = ro[ro.group == g].drop_duplicates("sent_id").head(n_evidence)
        share = float(mine.is_agent.mean())
        B.claim(o, "agency", "main agent",
                f"{g}: agent in {int(vc[g])} verb roles (verbs: {', '.join(verbs.index)}); "
                f"agent in {share:.0%} of its {len(mine)} roles{tied}",
                value=share, n=float(len(mine)), unit="verb roles", evidence=ev,
                why=lambda e: f"{e['agent_text']} → {e['verb_lemma']}")
    steps.update()

    # voices ----------------------------------------------------------------------------------------------
    qs = store.get("quotes")
    tables["quotes"] = qs
    qs_ = qs[qs.quote_type.isin(["direct", "partial", "indirect"])].copy()
    qs_["speaker_group"] = qs_["speaker_group"].fillna("no speaker found")
    anon = {"unresolved", "no speaker found"}
    # a catch-all of names outside the actor table ("other (PERSON)") is many voices, never the largest one
    named = qs_[~qs_.speaker_group.isin(anon) & ~qs_.speaker_group.astype(str).str.startswith("other (")]
    vfocus = named.speaker_group.value_counts().sort_index().sort_values(ascending=False, kind="stable").head(n_voice_groups).index
    if len(qs_):
        ind = pd.concat([qs_.assign(q=f"share of quotations from {g}", hit=(qs_.speaker_group == g).astype(float))
                         for g in list(vfocus) + ["unresolved", "no speaker found"]], ignore_index=True)
        C.measure(ind, value="hit", by=["outlet", "q"], family="voices", quantity="q", unit="quotations")
    for o in outlets:
        qo = qs_[qs_.outlet == o]
        no = named[named.outlet == o]
        if no.empty:
            B.claim(o, "voices", "largest voice", f"no quotation attributed to a known actor ({len(qo)} quotations)",
                    n=float(len(qo)), unit="quotations")
            continue
        vc = no.speaker_group.value_counts()
        top, tied = _flagged(vc.rename("count").rename_axis("group").reset_index(), item="group", estimate="count")
        g = top.group
        ev = no[no.speaker_group == g].drop_duplicates("sent_id").head(n_evidence)
        n_anon = int(qo.speaker_group.isin(anon).sum())
        B.claim(o, "voices", "largest voice",
                f"{g}: {int(vc[g])} of {len(qo)} quotations ({vc[g] / len(qo):.0%}); "
                f"{n_anon} unattributed or generic{tied}",
                value=float(vc[g] / len(qo)), n=float(len(qo)), unit="quotations", evidence=ev,
                why=lambda e: f"[{e['speaker_text']}, {e['verb']}] {e['quote_type']}")
    steps.update()

    # attribution -----------------------------------------------------------------------------------------
    cs = store.get("attribution_contexts")
    marks = store.get("attribution_markers")
    tables["attribution_contexts"] = cs
    acc = cs[cs["accusation"].astype(bool)] if len(cs) else cs
    no_markers = not has_markers(store.story)
    if len(acc):
        C.measure(acc.assign(d=acc["distancing"].astype(float)), value="d", by=["outlet"], family="attribution",
                  quantity="share of accusation sentences with a distancing marker", unit="sentences",
                  fixed_quantity=True)
    for o in outlets:
        a = acc[acc["outlet"] == o]
        if no_markers:
            B.claim(o, "attribution", "accusations", "attribution cannot be estimated: the story has no "
                    "accusation/denial markers (add them to the story file)", unit="sentences",
                    extra="cannot be estimated")
            continue
        if a.empty:
            B.claim(o, "attribution", "accusations", "no sentence about the accusations", n=0.0, unit="sentences")
            continue
        share = float(a.distancing.mean())
        d = marks[(marks.outlet == o) & (marks.context == "accusation") & (marks.marker_class == "distancing")]
        words = ", ".join(sorted(set(d.marker.str.lower())))
        ev = d.drop_duplicates("sent_id").head(n_evidence)
        B.claim(o, "attribution", "accusations",
                f"distancing marker in {int(a.distancing.sum())} of {len(a)} accusation sentences ({share:.0%})"
                + (f": {words}" if words else ""),
                value=share, n=float(len(a)), unit="sentences", evidence=ev,
                why=lambda e: f"distancing '{e['marker']}'")
    steps.update()
    steps.close()

    comparison = pd.concat(C.comparison, ignore_index=True) if C.comparison else pd.DataFrame(columns=COMPARISON_COLUMNS)
    comparison = comparison.sort_values(["family", "quantity", "outlet"], kind="stable").reset_index(drop=True)
    tables["units"] = pd.concat(C.units, ignore_index=True) if C.units else pd.DataFrame(
        columns=["family", "quantity", "outlet", "doc_id", "value", "unit"])
    claims = pd.DataFrame(B.claims, columns=CLAIM_COLUMNS)
    evidence = pd.DataFrame(B.evidence, columns=EVIDENCE_COLUMNS)
    settings = {"seed": seed, "tone_method": method, "codebook": cb.name, "n_topics": int(k),
                "interval": {"articles": "articles", "units": "units"}.get(pol.describe(unit="units"),
                                                                          "articles or units (per outlet)"),
                "interval_policy": [{"outlet": r.outlet, "n_articles": int(r.n_articles), "resample": r.resample}
                                    for r in pol.table.itertuples()],
                "min_articles": pol.min_articles, "n_boot": n_boot, "actor_groups": focus,
                "voice_groups": list(vfocus)}
    # what this corpus cannot support, said once: every "cannot be estimated" claim, and comparisons of one outlet
    said = claims.loc[claims["caveat"].str.contains("cannot be estimated", regex=False), "statement"]
    settings["cannot_estimate"] = list(dict.fromkeys(said)) + ([ONE_OUTLET.format(n=len(outlets))]
                                                               if len(outlets) < 2 else [])
    return Synthesis(comparison=comparison, claims=claims, evidence=evidence, settings=settings, tables=tables)


def article_values(synth: Synthesis, *, min_articles: int = 2) -> pd.DataFrame:
    """Every compared quantity per *article*, for outlets with at least ``min_articles`` articles.

    Columns ``family, quantity, outlet, doc_id, value, n_units, outlet_estimate, spread`` (``spread`` = max
    minus min over the outlet's articles). When an outlet's articles disagree, a claim about the outlet is
    a claim about their mix.
    """
    u = synth.tables["units"]
    n_art = u.groupby("outlet")["doc_id"].nunique()
    u = u[u["outlet"].isin(n_art[n_art >= min_articles].index)]
    cols = ["family", "quantity", "outlet", "doc_id", "value", "n_units", "outlet_estimate", "spread"]
    if u.empty:
        return pd.DataFrame(columns=cols)
    a = u.groupby(["family", "quantity", "outlet", "doc_id"]).value.agg(value="mean", n_units="size").reset_index()
    est = synth.comparison.set_index(["family", "quantity", "outlet"]).estimate
    a["outlet_estimate"] = est.reindex(pd.MultiIndex.from_frame(a[["family", "quantity", "outlet"]])).to_numpy()
    a["spread"] = a.groupby(["family", "quantity", "outlet"]).value.transform(lambda s: s.max() - s.min())
    return a[cols]


# ------------------------------------------------------------------------------------------------ outputs
def claims_html(synth: Synthesis, *, max_chars: int = 400) -> str:
    """A self-contained HTML block: per outlet, every claim with its caveat and expandable evidence."""
    parts = ["<div class='synthesis-claims' style='font-size:0.92em'>"]
    levels = interval_levels_in_words(synth.settings)
    for outlet, g in synth.claims.groupby("outlet", sort=True):
        level = (f"<p style='margin:0;color:#555'>95% intervals {html.escape(levels[outlet])}</p>"
                 if outlet in levels else "")
        parts.append(f"<h4>{html.escape(outlet)}</h4>{level}<ul>")
        g = g.assign(_f=pd.Categorical(g.family, FAMILIES, ordered=True)).sort_values(["_f", "subject"])
        for _, c in g.iterrows():
            cav = f" <span style='color:#a15c00'>⚠ {html.escape(c.caveat)}</span>" if c.caveat else ""
            ev = synth.evidence_for(c.claim_id)
            head = (f"<b>{html.escape(c.family)}</b> ({html.escape(c.subject)}): {html.escape(c.statement)}{cav}")
            if ev.empty:
                parts.append(f"<li>{head}</li>")
                continue
            items = "".join(
                f"<li><code>{html.escape(str(e.sent_id))}</code> <i>{html.escape(str(e.why))}</i>: "
                f"{html.escape(str(e.text)[:max_chars])}</li>" for e in ev.itertuples())
            parts.append(f"<li>{head}<details><summary>{len(ev)} evidence sentence(s)</summary><ol>{items}</ol>"
                         "</details></li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


#: The claims page's Content-Security-Policy: no script, no external resource, inline styles only.
CLAIMS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def claims_page(synth: Synthesis, *, title: str = "Claims and evidence", max_chars: int = 400) -> str:
    """:func:`claims_html` as a standalone page (``06_claims.html``): escaped title, and a
    Content-Security-Policy that runs no script, so a corpus string that were ever left unescaped could not
    run either.

    >>> page = claims_page(Synthesis(comparison=pd.DataFrame(), claims=pd.DataFrame(columns=["outlet"]),
    ...                              evidence=pd.DataFrame(), settings={}), title="<b>t</b>")
    >>> "Content-Security-Policy" in page and "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page
    True
    """
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CLAIMS_PAGE_CSP}\">"
            f"<title>{html.escape(title)}</title></head><body>{claims_html(synth, max_chars=max_chars)}</body></html>")


def limits_table(synth: Synthesis) -> pd.DataFrame:
    """Where the corpus is too small: per outlet, articles, claims with caveats, and interval widths."""
    c = synth.claims
    comp = synth.comparison.assign(width=synth.comparison.ci_high - synth.comparison.ci_low)
    out = c.groupby("outlet").agg(articles=("n_articles", "first"), claims=("claim_id", "size"),
                                  claims_with_caveat=("caveat", lambda s: int((s != "").sum())))
    out["median_interval_width"] = comp.groupby("outlet").width.median()
    out["thin_claims"] = c[c.n < MIN_EVIDENCE].groupby("outlet").size().reindex(out.index).fillna(0).astype(int)
    return out.reset_index()
