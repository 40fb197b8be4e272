"""Every figure of ``analysis.viz`` drawn from the 15-outlet hand-made corpus (tests/data/many_outlets), from the
same tables the notebooks pass (used by tests/test_many_outlets.py; run it as a script to write the PNGs:
``python tests/many_outlets_figures.py OUT_DIR``)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
MANY = ROOT / "tests" / "data" / "many_outlets"
N_BOOT = 300


def open_many():
    import analysis

    return analysis.open_study(str(MANY / "articles.csv"), story=str(MANY / "story.yaml"), progress=False)


def tables(study, *, seed: int = 42) -> dict:
    """The notebooks' inputs to every plot function, computed on ``study`` (measures from its store)."""
    from analysis.compare import interval_policy
    from analysis.corpus import describe
    from analysis.measures import agency, attribution, distinctive, frames, quotes, topics
    from analysis.measures import tone as S
    from analysis.measures.registry import topic_model_from_table

    corp, story = study.corpus, study.story
    t: dict = {"outlets": sorted(corp.documents.outlet.unique())}
    # 01
    t["summary"] = describe.audit_summary(corp.audit)
    t["share"] = describe.kept_share(corp.audit)
    t["stats"] = study.measure("coverage").set_index("outlet")
    t["lengths"] = describe.sentence_lengths(corp)
    t["ents"] = describe.top_entities(corp, n=15)
    # 02
    t["selection"] = study.measure("topic_selection", seed=seed)
    nmf = topic_model_from_table(study.measure("topic_model", seed=seed, k="auto"), seed=seed)
    t["nmf"] = nmf
    t["shares"] = topics.outlet_topic_shares(nmf, n_boot=N_BOOT, seed=seed)              # per-outlet policy
    t["shares_article"] = topics.outlet_topic_shares(nmf, cluster="doc_id", n_boot=N_BOOT, seed=seed)
    t["shares_unit"] = topics.outlet_topic_shares(nmf, cluster=None, n_boot=N_BOOT, seed=seed)
    t["scores"] = distinctive.log_odds_dirichlet(study.measure("term_counts"))
    t["rates"] = study.measure("framing_term_rates")
    # 03
    tone = study.measure("sentence_tone")
    t["tone"] = tone
    policy = interval_policy(corp.documents)
    t["policy"] = policy
    t["by_outlet"] = S.outlet_tone(tone, policy=policy, n_boot=N_BOOT, seed=seed)
    mentions = study.measure("actor_mentions")
    groups = mentions.loc[mentions["method"] == "alias", "group"].value_counts()
    t["all_groups"] = groups.index.tolist()
    t["groups"] = groups.head(8).index.tolist()
    main = "hybrid" if "hybrid" in set(tone["method"]) else "vader"
    t["main_method"] = main
    at = S.actor_tone(tone, mentions, level="group", actors=t["groups"])
    t["cells"] = S.actor_outlet_tone(at, policy=policy, n_boot=N_BOOT, seed=seed)
    # 04
    sv = frames.load_codebook("semetko_valkenburg")
    t["sv"] = sv
    coded = study.measure("frame_codes", codebook="semetko_valkenburg")
    t["profile"] = frames.outlet_frame_profile(corp, sv, coded=coded, n_boot=N_BOOT, seed=seed)
    pf = frames.load_codebook("policy_frames")
    t["pf"] = pf
    t["pf_profile"] = frames.outlet_frame_profile(corp, pf, coded=study.measure("frame_codes", codebook="policy_frames"),
                                                  n_boot=N_BOOT, seed=seed)
    t["n_docs"] = corp.documents.groupby("outlet").size()
    t["roles"] = agency.actor_roles(study.measure("svo"), level="group")
    t["voices"] = quotes.voices(study.measure("quotes"))
    ctx = study.measure("attribution_contexts")
    t["acc_prof"] = attribution.marker_profile(ctx, context="accusation")
    t["den_prof"] = attribution.marker_profile(ctx, context="denial")
    r = study.measure("framing_term_rates")
    t["mprof"] = r[(r.group == story.measure_group) & (r.n > 0)].rename(columns={"rate": "per_1000_words"})
    # 05: the coding sample's composition and a per-article frame table shaped like the classifier's
    sents = corp.sentences
    comp = pd.DataFrame({"in corpus": sents.outlet.value_counts(normalize=True)})
    comp["in sample"] = 1 / len(comp)
    t["composition"] = comp.sort_index()
    docf = frames.document_frames(corp, sv, coded=coded)
    t["frame_probs"] = docf.assign(probability=docf["share"].clip(0, 1), indicators_present=docf["present"])[
        ["outlet", "doc_id", "frame", "probability", "indicators_present"]]
    # 06
    from analysis.compare import synthesis

    t["synth"] = synthesis.synthesize(study, seed=seed, n_boot=N_BOOT)
    t["per_article"] = synthesis.article_values(t["synth"])
    return t


def subset(t: dict, keep) -> dict:
    """The same tables restricted to the outlets in ``keep`` (to compare a figure of a few outlets with all)."""
    from analysis.compare.synthesis import Synthesis

    keep = set(keep)
    out = {}
    for k, v in t.items():
        if isinstance(v, pd.DataFrame) and "outlet" in v.columns:
            v = v[v["outlet"].isin(keep)]
        elif isinstance(v, (pd.DataFrame, pd.Series)) and v.index.name == "outlet":
            v = v[v.index.isin(keep)]
        elif k == "ents":
            v = v[[c for c in v.columns if c in keep]]
        elif k == "n_docs":
            v = v[v.index.isin(keep)]
        elif k == "outlets":
            v = [o for o in v if o in keep]
        elif isinstance(v, Synthesis):
            v = Synthesis(comparison=v.comparison[v.comparison.outlet.isin(keep)], claims=v.claims[v.claims.outlet.isin(keep)],
                          evidence=v.evidence[v.evidence.outlet.isin(keep)],
                          settings={**v.settings, "interval_policy": [r for r in v.settings["interval_policy"]
                                                                      if r["outlet"] in keep]}, tables=v.tables)
        out[k] = v
    return out


#: The figures whose rows, columns, panels or legend are outlets (the others show topics or models).
OUTLET_FIGURES = ("01_lines_by_rule", "01_kept_vs_removed", "01_text_per_outlet", "01_top_entities", "02_share_heatmap",
                  "02_share_intervals", "02_share_intervals_policy", "02_fightin_words", "02_term_rates",
                  "03_tone_distributions", "03_outlet_tone", "03_actor_heatmap", "03_method_agreement",
                  "04_frame_profile", "04_frame_intervals", "04_policy_frames", "04_agents_patients", "04_voices",
                  "04_attribution_markers", "04_measure_names", "05_sample_composition", "05_frame_probabilities",
                  "06_side_by_side", "06_article_spread")


def draw_all(t: dict) -> dict:
    """name -> Figure for every outlet-level plot function (the notebooks' calls)."""
    import matplotlib.pyplot as plt

    from analysis import viz

    colors = viz.outlet_colors(t["outlets"])
    figs = {
        "01_lines_by_rule": lambda: viz.plot_lines_by_rule(t["summary"], colors=colors),
        "01_kept_vs_removed": lambda: viz.plot_kept_vs_removed(t["share"]),
        "01_text_per_outlet": lambda: viz.plot_text_per_outlet(t["stats"], t["lengths"], colors=colors),
        "01_top_entities": lambda: viz.plot_top_entities(t["ents"]),
        "02_model_selection": lambda: viz.plot_model_selection(t["selection"]),
        "02_top_terms": lambda: viz.plot_top_terms(t["nmf"], n=8),
        "02_share_heatmap": lambda: viz.plot_share_heatmap(t["shares"]),
        "02_share_intervals": lambda: viz.plot_share_intervals(pd.concat([t["shares_article"], t["shares_unit"]]),
                                                               colors=colors),
        "02_share_intervals_policy": lambda: viz.plot_share_intervals(t["shares"], colors=colors),
        "02_fightin_words": lambda: viz.plot_fightin_words(t["scores"], n_label=8, colors=colors),
        "02_term_rates": lambda: viz.plot_term_rates(t["rates"], min_total=1, title="Framing terms"),
        "03_tone_distributions": lambda: viz.plot_tone_distributions(t["tone"]),
        "03_outlet_tone": lambda: viz.plot_outlet_tone(t["by_outlet"], title="Mean sentence tone per outlet"),
        "03_actor_heatmap": lambda: viz.plot_actor_heatmap(t["cells"], method=t["main_method"], actors=t["groups"],
                                                           total_actors=len(t["all_groups"])),
        "03_method_agreement": lambda: viz.plot_method_agreement(t["tone"], a="vader", b=t["main_method"]),
        "04_frame_profile": lambda: viz.plot_frame_profile(t["profile"], codebook=t["sv"], n_docs=t["n_docs"]),
        "04_frame_intervals": lambda: viz.plot_frame_intervals(t["profile"], codebook=t["sv"], n_docs=t["n_docs"],
                                                               colors=colors),
        "04_policy_frames": lambda: viz.plot_frame_profile(t["pf_profile"], codebook=t["pf"], annotate="count",
                                                           cmap="Purples"),
        "04_agents_patients": lambda: viz.plot_agents_patients(t["roles"], n_docs=t["n_docs"], colors=colors),
        "04_voices": lambda: viz.plot_voices(t["voices"]),
        "04_attribution_markers": lambda: viz.plot_attribution_markers(
            t["acc_prof"], t["den_prof"], outlets=t["outlets"]),
        "04_measure_names": lambda: viz.plot_term_heatmap(t["mprof"], title="Names for the plant"),
        "05_sample_composition": lambda: viz.plot_sample_composition(t["composition"], title="Coding sample"),
        "05_frame_probabilities": lambda: viz.plot_frame_probabilities(t["frame_probs"], title="many outlets"),
        "06_side_by_side": lambda: viz.plot_side_by_side(t["synth"], colors=colors),
        "06_article_spread": lambda: viz.plot_article_spread(t["per_article"], colors=colors, outlets=list(colors)),
    }
    # as the notebooks do: no figure of cleaning when it removed nothing, none of names when none was found
    if t["summary"]["rule"].isin(viz.corpus.NOT_REMOVED).all():
        figs.pop("01_lines_by_rule")
    if t["mprof"].empty:
        figs.pop("04_measure_names")
    with plt.rc_context({"figure.max_open_warning": 0}):   # 26 figures at once, closed by the caller
        return {name: make() for name, make in figs.items()}


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    from analysis import viz

    viz.set_style()
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/many_figures")
    figs = draw_all(tables(open_many()))
    for name, fig in figs.items():
        w, h = fig.get_size_inches()
        print(f"{name}: {w:.1f} x {h:.1f} in -> {viz.save_figure(fig, name, out_dir=out, dpi=80)}")
