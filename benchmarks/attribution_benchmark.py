"""Benchmark (not a test): how well are quotations, speakers and attributions found on annotated news?

Scores :func:`analysis.measures.quotes.extract_quotes` (generic lists, no story: nothing is known about
the people in the passages) on the hand-annotated passages of ``tests/data/attribution_dev/passages.jsonl``
(annotation rules: ``docs/annotation_guide.md``), for the ``dev`` part (seen while writing the rules), the
``heldout`` part (written last, never looked at while tuning) and both, and the same figures for textacy's
``textacy.extract.triples.direct_quotations`` as a comparison when textacy is installed (it is not a
dependency of the project; the benchmark says so when it is absent).

Figures (micro-averaged over attributions; a system attribution matches a gold one when their spans
overlap by at least half of the longer span, ``--min-overlap``; one-to-one, greedily by overlap):

* content, source and cue span precision / recall / F1, at >= 50% overlap and exact;
* speaker accuracy: of the gold attributions with a *named* speaker, the share whose matched system
  attribution names the same speaker (names compared lower-cased, without "the", honorifics and a
  possessive 's; a title before the name is allowed, a fragment of the name is not; a missed attribution
  counts as wrong);
* quotation recall (gold ``direct`` and ``mixed`` attributions found) and indirect-speech recall
  (gold ``indirect`` attributions found).

Intervals: percentile bootstrap over passages (``--n-boot`` resamples, ``--seed``). Scare quotes the
extractor itself reports without a speaker or cue (``partial``, "no speaker found") are not attributions
and are not scored. Results are printed and written as JSON (``--out``, default
``benchmarks/results/attribution_benchmark.json``), which notebook 04 reads.

    PYTHONPATH=. .venv/bin/python benchmarks/attribution_benchmark.py
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV_SET = ROOT / "tests" / "data" / "attribution_dev" / "passages.jsonl"
OUT = ROOT / "benchmarks" / "results" / "attribution_benchmark.json"
ROLES = ("content", "source", "cue")
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "sir"}


def load_passages(path: Path = DEV_SET) -> list[dict]:
    """The annotated passages (one dict per JSONL line); errors name the file and line."""
    out = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            for a in r["attributions"]:
                for k in ROLES:
                    if a.get(k) is not None:
                        s, e = a[k]
                        assert 0 <= s < e <= len(r["text"]), f"{k} offsets {a[k]} outside the text"
        except Exception as exc:  # noqa: BLE001 - re-raised with the place
            raise ValueError(f"{path}: line {i}: {exc}") from exc
        out.append(r)
    return out


class _Passages:
    """The passages as a minimal corpus (``docs()`` and ``sentences``), so they are read as a real corpus is."""

    def __init__(self, passages, nlp):
        self._docs = [(p["id"], d) for p, d in zip(passages, nlp.pipe([p["text"] for p in passages]))]
        rows = []
        for pid, doc in self._docs:
            for i, s in enumerate(doc.sents):
                rows.append({"doc_id": pid, "outlet": "dev", "sent_id": f"{pid}:s{i:04d}", "sent_i": i,
                             "start_char": s.start_char, "end_char": s.end_char, "text": s.text})
        self.sentences = pd.DataFrame(rows)

    def docs(self):
        yield from self._docs


def norm_name(name) -> str | None:
    """Speaker names compared without case, a leading "the", honorifics and a possessive.

    >>> norm_name("Dr. Amal Haddad"), norm_name("the National Cyber Security Centre"), norm_name("MTS'")
    ('amal haddad', 'national cyber security centre', 'mts')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    w = re.sub(r"[’']s?$", "", str(name).strip()).lower().replace(".", "").split()
    while w and (w[0] in HONORIFICS or w[0] == "the"):
        w = w[1:]
    return " ".join(w) or None


def same_speaker(pred, gold) -> bool:
    """The predicted speaker is the gold name, or the gold name after a title ("Mayor Ellen Park"); a fragment
    ("Maduro" for "Nicolas Maduro") is wrong.

    >>> same_speaker("Mayor Ellen Park", "Ellen Park"), same_speaker("Maduro", "Nicolas Maduro")
    (True, False)
    """
    p, g = norm_name(pred), norm_name(gold)
    return p is not None and g is not None and (p == g or p.endswith(" " + g))


def ours(passages, nlp) -> dict[str, list[dict]]:
    """System attributions per passage: ``{"content": (s, e), "source": ..., "cue": ..., "speaker": ...}``."""
    from analysis.measures.quotes import extract_quotes

    q = extract_quotes(_Passages(passages, nlp))
    out: dict[str, list[dict]] = {p["id"]: [] for p in passages}
    for r in q.itertuples(index=False):
        if r.quote_type == "partial" and r.verb is None and r.speaker_text is None:
            continue  # a scare quote the extractor itself does not attribute
        span = lambda s, e: (int(s), int(e)) if pd.notna(s) and pd.notna(e) else None  # noqa: E731
        out[r.doc_id].append({"content": (int(r.start_char), int(r.end_char)),
                              "source": span(getattr(r, "source_start", None), getattr(r, "source_end", None)),
                              "cue": span(getattr(r, "cue_start", None), getattr(r, "cue_end", None)),
                              "speaker": r.speaker if r.speaker is not None else None})
    return out


def textacy_available() -> bool:
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError:
        return False
    return True


def textacy_quotes(passages, nlp) -> dict[str, list[dict]]:
    """textacy's direct quotations, content without the quotation marks; speaker = its speaker tokens' text."""
    from textacy.extract.triples import direct_quotations

    out = {}
    for p, doc in zip(passages, nlp.pipe([p["text"] for p in passages])):
        rows = []
        try:
            found = list(direct_quotations(doc))
        except ValueError:  # textacy refuses a passage with an odd number of quotation marks
            found = []
        for t in found:
            c = t.content
            s, e = c.start_char, c.end_char
            while s < e and doc.text[s] in "\"“”'‘’ ":
                s += 1
            while e > s and doc.text[e - 1] in "\"“”'‘’ ":
                e -= 1

            def tspan(toks):
                return (min(x.idx for x in toks), max(x.idx + len(x) for x in toks)) if toks else None
            rows.append({"content": (s, e), "source": tspan(t.speaker), "cue": tspan(t.cue),
                         "speaker": " ".join(x.text for x in t.speaker) or None})
        out[p["id"]] = rows
    return out


def _overlap(a, b) -> float:
    if a is None or b is None:
        return 0.0
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(inter, 0) / max(a[1] - a[0], b[1] - b[0])


def _match(gold: list, pred: list, *, min_overlap: float) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) by content overlap, best first."""
    pairs = sorted(((_overlap(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)), reverse=True)
    used_g, used_p, out = set(), set(), []
    for ov, i, j in pairs:
        if ov >= min_overlap and i not in used_g and j not in used_p:
            used_g.add(i), used_p.add(j), out.append((i, j))
    return out


def passage_counts(passage: dict, pred: list[dict], *, min_overlap: float = 0.5) -> dict:
    """Counts for one passage: per role tp/n_gold/n_pred at the overlap threshold and exact, speakers, recalls."""
    gold = passage["attributions"]
    c: dict = {}
    for role in ROLES:
        g = [a[role] and tuple(a[role]) for a in gold if a.get(role) is not None]
        p = [x[role] for x in pred if x.get(role) is not None]
        c[f"{role}_gold"], c[f"{role}_pred"] = len(g), len(p)
        c[f"{role}_tp"] = len(_match(g, p, min_overlap=min_overlap))
        c[f"{role}_tp_exact"] = len(_match(g, p, min_overlap=1.0))
    pairs = dict(_match([tuple(a["content"]) for a in gold], [x["content"] for x in pred], min_overlap=min_overlap))
    c["speaker_n"] = c["speaker_ok"] = 0
    for k in ("quote", "indirect"):
        c[f"{k}_n"] = c[f"{k}_found"] = 0
    for i, a in enumerate(gold):
        k = "indirect" if a["kind"] == "indirect" else "quote"
        c[f"{k}_n"] += 1
        c[f"{k}_found"] += i in pairs
        if a.get("speaker"):
            c["speaker_n"] += 1
            c["speaker_ok"] += i in pairs and same_speaker(pred[pairs[i]]["speaker"], a["speaker"])
    return c


def figures(counts: pd.DataFrame) -> dict[str, float]:
    """Micro-averaged figures from summed passage counts."""
    s = counts.sum()
    f: dict[str, float] = {}

    def ratio(a, b):
        return float(a / b) if b else float("nan")
    for role in ROLES:
        for suffix, tp in (("", s[f"{role}_tp"]), ("_exact", s[f"{role}_tp_exact"])):
            p, r = ratio(tp, s[f"{role}_pred"]), ratio(tp, s[f"{role}_gold"])
            f[f"{role}_precision{suffix}"], f[f"{role}_recall{suffix}"] = p, r
            f[f"{role}_f1{suffix}"] = 2 * p * r / (p + r) if p + r else 0.0
    f["speaker_accuracy"] = ratio(s["speaker_ok"], s["speaker_n"])
    f["quotation_recall"] = ratio(s["quote_found"], s["quote_n"])
    f["indirect_recall"] = ratio(s["indirect_found"], s["indirect_n"])
    return f


def score(passages, preds, *, n_boot: int = 2000, seed: int = 42, min_overlap: float = 0.5) -> pd.DataFrame:
    """``metric, estimate, ci_low, ci_high, n_passages``: figures with percentile-bootstrap 95% intervals
    over passages."""
    counts = pd.DataFrame([passage_counts(p, preds[p["id"]], min_overlap=min_overlap) for p in passages])
    est = figures(counts)
    rng = np.random.default_rng(seed)
    boots = [figures(counts.iloc[rng.integers(0, len(counts), len(counts))]) for _ in range(n_boot)]
    b = pd.DataFrame(boots)
    return pd.DataFrame({"metric": list(est), "estimate": list(est.values()),
                         "ci_low": [float(np.nanpercentile(b[m], 2.5)) for m in est],
                         "ci_high": [float(np.nanpercentile(b[m], 97.5)) for m in est],
                         "n_passages": len(passages)})


def run(*, path: Path = DEV_SET, n_boot: int = 2000, seed: int = 42, min_overlap: float = 0.5,
        with_textacy: bool = True) -> dict:
    """Every figure for every (system, split) as a JSON-ready dict."""
    from analysis.corpus.parse import load_model

    passages = load_passages(path)
    nlp = load_model()
    systems = {"analysis.quotes": ours(passages, nlp)}
    notes = []
    if with_textacy and textacy_available():
        systems["textacy direct_quotations"] = textacy_quotes(passages, nlp)
    elif with_textacy:
        notes.append("textacy is not installed: no comparison (pip install textacy==0.13.0 to add it)")
    rows = []
    for name, preds in systems.items():
        for split in ("dev", "heldout", "all"):
            ps = [p for p in passages if split == "all" or p["split"] == split]
            rows.append(score(ps, preds, n_boot=n_boot, seed=seed, min_overlap=min_overlap).assign(system=name, split=split))
    table = pd.concat(rows, ignore_index=True)
    return {"command": "PYTHONPATH=. .venv/bin/python benchmarks/attribution_benchmark.py",
            "dev_set": str(Path(path).resolve().relative_to(ROOT)) if Path(path).resolve().is_relative_to(ROOT) else str(path),
            "n_passages": {s: sum(p["split"] == s for p in passages) for s in ("dev", "heldout")},
            "min_overlap": min_overlap, "n_boot": n_boot, "seed": seed, "notes": notes,
            "results": table[["system", "split", "metric", "estimate", "ci_low", "ci_high", "n_passages"]].to_dict("records")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev-set", type=Path, default=DEV_SET)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--n-boot", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--min-overlap", type=float, default=0.5)
    ap.add_argument("--no-textacy", action="store_true")
    ap.add_argument("--show", default="", help="print each passage's system output for this split (dev/heldout)")
    a = ap.parse_args(argv)
    res = run(path=a.dev_set, n_boot=a.n_boot, seed=a.seed, min_overlap=a.min_overlap, with_textacy=not a.no_textacy)
    for n in res["notes"]:
        print("NOTE:", n)
    t = pd.DataFrame(res["results"])
    t["value"] = t.apply(lambda r: f"{r.estimate:.3f} [{r.ci_low:.2f}, {r.ci_high:.2f}]", axis=1)
    main_metrics = ["content_f1", "content_f1_exact", "source_f1", "source_f1_exact", "cue_f1", "cue_f1_exact",
                    "speaker_accuracy", "quotation_recall", "indirect_recall", "content_precision", "content_recall"]
    wide = t[t.metric.isin(main_metrics)].pivot_table(index="metric", columns=["system", "split"], values="value",
                                                       aggfunc="first").reindex(main_metrics)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(wide.to_string())
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=1) + "\n")
    print(f"\nwritten: {a.out}")
    if a.show:
        from analysis.corpus.parse import load_model
        passages = [p for p in load_passages(a.dev_set) if p["split"] == a.show]
        preds = ours(passages, load_model())
        for p in passages:
            c = passage_counts(p, preds[p["id"]], min_overlap=a.min_overlap)
            print(f"\n[{p['id']}] content {c['content_tp']}/{c['content_gold']} (pred {c['content_pred']}), "
                  f"speakers {c['speaker_ok']}/{c['speaker_n']}")
            for x in preds[p["id"]]:
                sl = lambda s: p["text"][s[0]:s[1]] if s else None  # noqa: E731
                print(f"   pred: src={sl(x['source'])!r} cue={sl(x['cue'])!r} spk={x['speaker']!r} | {sl(x['content'])[:70]!r}")
            for g in p["attributions"]:
                print(f"   gold: src={g['source_text']!r} cue={g['cue_text']!r} spk={g['speaker']!r} | {g['content_text'][:70]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
