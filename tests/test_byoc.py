"""Bring your own corpus: the whole collection runs on another story from other outlets, bad rows included.

The corpus (tests/data/byoc, invented articles) is a city council fight over leasing a port terminal to a
foreign operator, from three fictional outlets written with different angles: Harbor Ledger (business),
Coastline Courier (conflict), Riverside Weekly (human interest). Its JSONL version has nine bad lines, each
to be rejected for a different reason, and two good rows that must only be flagged.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import warnings

import nbformat
import pandas as pd
import pytest

from analysis.run import notebooks as R
from analysis.config import PROJECT_ROOT

BYOC = PROJECT_ROOT / "tests" / "data" / "byoc"
GOOD = BYOC / "articles.csv"
BAD = BYOC / "articles_with_bad_rows.jsonl"
BAD_CSV = BYOC / "articles_with_bad_rows.csv"
STORY = {"actors": BYOC / "actors.yaml", "framing_terms": BYOC / "framing_terms.yaml",
         "attribution_markers": BYOC / "attribution_markers.yaml"}


def _generator():
    spec = importlib.util.spec_from_file_location("make_byoc", BYOC / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _expected_rejects() -> dict[int, str]:
    """Line number in the JSONL file -> the reason load_corpus must give (from the generator)."""
    mod = _generator()
    lines = mod.bad_rows_lines()
    return {lines.index(raw) + 1: why for raw, why in mod.BAD_LINES}


def _short_reason(reasons: pd.Series) -> pd.Series:
    return reasons.str.replace(r"(:| '| \().*$", "", regex=True)


def _line(sources: pd.Series) -> pd.Series:
    return sources.str.extract(r":line (\d+)$")[0].astype(int)


# ------------------------------------------------------------------------------------------- the corpus files
def test_corpus_files_are_what_the_generator_writes():
    """The stored files are exactly what make_corpus.py writes (no hand edits that the README does not know)."""
    mod = _generator()
    rows = mod.rows()
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    assert GOOD.read_bytes() == buf.getvalue().encode("utf-8")
    assert BAD.read_bytes() == b"\n".join(mod.bad_rows_lines()) + b"\n"
    assert BAD_CSV.read_bytes() == mod.bad_rows_csv()


def test_corpus_is_big_enough_and_written_like_news():
    good = pd.read_csv(GOOD)
    counts = good.outlet.value_counts()
    assert len(good) >= 30 and len(counts) == 3 and counts.min() >= 9 and counts.nunique() == 3  # 12/10/9
    words = good.text.str.split().str.len()
    assert words.between(150, 300).all(), words.describe()
    assert good.text.str.contains(r"\bsaid\b").all()                       # attributed quotes everywhere
    assert pd.to_datetime(good.date).between("2025-01-01", "2025-04-30").all()
    assert not good.text.str.contains("Huawei|5G", regex=True).any()       # another story
    for name in ("README.md", "actors.yaml", "framing_terms.yaml", "attribution_markers.yaml"):
        head = (BYOC / name).read_text(encoding="utf-8")[:400].lower()
        assert "hand-made" in head or "invented" in head, name


def test_loader_rejects_exactly_the_bad_rows_each_for_its_own_reason():
    from analysis.corpus.load import load_corpus

    with pytest.warns(UserWarning):
        raw = load_corpus(BAD)
    good = pd.read_csv(GOOD)
    assert sorted(raw.documents.doc_id) == sorted(good.id)      # nothing else lost
    expected = _expected_rejects()
    got = dict(zip(_line(raw.rejects.source), _short_reason(raw.rejects.reason)))
    assert got == {line: _short_reason(pd.Series([why]))[0] for line, why in expected.items()}
    assert len(set(got.values())) == len(got) == 9               # nine rows, nine different reasons
    flagged = raw.issues[raw.issues.level == "warning"]
    assert {"rw03", "cc05"} <= set(flagged.doc_id)
    docs = raw.documents.set_index("doc_id")
    assert pd.isna(docs.loc["rw03", "date"]) and "<p>" not in docs.loc["cc05", "text"]
    assert docs.loc["cc05", "text"].count("\n\n") == 4           # paragraphs survive the HTML conversion


def test_the_csv_version_rejects_exactly_its_bad_rows_each_for_its_own_reason():
    """The same corpus as a CSV table (the format most users bring): seven bad rows, seven reasons."""
    from analysis.corpus.load import load_corpus

    mod = _generator()
    with pytest.warns(UserWarning):
        raw = load_corpus(BAD_CSV)
    assert sorted(raw.documents.doc_id) == sorted(pd.read_csv(GOOD).id)      # nothing else lost
    rows = pd.read_csv(io.BytesIO(BAD_CSV.read_bytes().replace(b"\xe9", b"e")), dtype=str,
                       keep_default_na=False)
    expected = {}
    for rec, why in mod.BAD_CSV_ROWS:   # data row number (1 = first row under the header) -> reason
        hit = rows.index[(rows.id == rec["id"]) & (rows.title == rec["title"])]
        expected[int(hit[0]) + 1] = why
    got = dict(zip(raw.rejects.source.str.extract(r":row (\d+)$")[0].astype(int), _short_reason(raw.rejects.reason)))
    assert got == expected and len(set(got.values())) == 7
    assert {"rw03", "cc05"} <= set(raw.issues.loc[raw.issues.level == "warning", "doc_id"])


def test_story_files_are_valid_and_find_the_story():
    from analysis.measures import attribution
    from analysis.measures import kwic
    from analysis.measures.actors import load_actor_table

    table = load_actor_table(STORY["actors"])
    assert {"Meridian", "city government", "dockworkers", "residents", "lease opponents"} <= set(table.group)
    terms = kwic.load_term_list(STORY["framing_terms"])
    assert {"lease", "sale", "protest", "family"} <= set(terms.term)
    assert [t for t, _ in kwic.load_kwic_views(STORY["framing_terms"])] == ["What the deal is called",
                                                                            "Accusations and denials"]
    mk = attribution.load_markers(STORY["attribution_markers"])
    assert mk["measures_label"] == "the terminal lease" and "foreign control" in mk["measures"]


# ------------------------------------------------------------------------------------------- the runner
def test_default_output_dir_never_the_seeds_folder():
    assert R.default_output_dir(None) == PROJECT_ROOT / "outputs"
    assert R.default_output_dir(BAD) == PROJECT_ROOT / "outputs" / "articles_with_bad_rows"
    assert R.default_output_dir("/data/my_folder") == PROJECT_ROOT / "outputs" / "my_folder"
    for name in R.RESERVED_OUTPUT_NAMES:  # a corpus called "figures" must not land in the seeds' figures
        assert R.default_output_dir(f"/data/{name}.csv").name == f"{name}_corpus"


def test_a_user_corpus_cannot_write_into_the_seeds_folder(tmp_path, capsys):
    with pytest.raises(ValueError, match="seeds' results"):
        R.check_output_dir(str(BAD), PROJECT_ROOT / "outputs")
    R.check_output_dir(None, PROJECT_ROOT / "outputs")          # the seeds themselves may
    R.check_output_dir(str(BAD), tmp_path)
    with pytest.raises(ValueError, match="seeds' results"):
        R.run_all(output_dir=PROJECT_ROOT / "outputs", corpus=str(BAD), only=["01"])
    assert R.main(["--corpus", str(BAD), "--output-dir", str(PROJECT_ROOT / "outputs")]) == 2
    assert "seeds' results" in capsys.readouterr().err


def test_story_file_options_are_checked_and_become_notebook_parameters(tmp_path, capsys, monkeypatch):
    seen = {}

    def fake_run_all(**kw):
        seen.update(kw)
        return []

    monkeypatch.setattr(R, "run_all", fake_run_all)
    argv = ["--corpus", str(BAD), "--output-dir", str(tmp_path), "--no-report",
            "--actors", str(STORY["actors"]), "--framing-terms", str(STORY["framing_terms"]),
            "--attribution-markers", str(STORY["attribution_markers"]), "-p", "codebook", "policy_frames"]
    assert R.main(argv) == 0
    assert seen["params"] == {**{k: str(v) for k, v in STORY.items()}, "codebook": "policy_frames"}
    out = capsys.readouterr().out
    assert "31 documents loaded, 9 rejected" in out and "[bad-encoding]: undecodable bytes" in out
    assert R.main(["--corpus", str(BAD), "--output-dir", str(tmp_path), "--framing-terms", "nope.yaml"]) == 2
    assert "--framing-terms nope.yaml does not exist" in capsys.readouterr().err


def test_extra_parameters_go_only_to_notebooks_that_declare_them(tmp_path):
    declared = {nb.name[:2]: R.declared_parameters(nb) for nb in R.list_notebooks()}
    assert "actors" in declared["03"] and "actors" in declared["04"] and "actors" not in declared["01"]
    assert "framing_terms" in declared["02"] and "attribution_markers" in declared["04"]
    assert {"actors", "attribution_markers"} <= declared["06"]
    for name in R.STORY_FILES:  # every story file reaches at least one notebook
        assert any(name in d for d in declared.values()), name
    with pytest.raises(ValueError, match="no notebook declares parameter"):
        R.run_all(output_dir=tmp_path, only=["01"], params={"actorz": "x.yaml"})
    assert R._parameter_value("3") == 3 and R._parameter_value("null") is None
    assert R._parameter_value(str(STORY["actors"].relative_to(PROJECT_ROOT))) in (
        str(STORY["actors"]), "tests/data/byoc/actors.yaml")
    assert R._parameter_value("policy_frames") == "policy_frames"


def test_corpus_report_is_written_and_summarised(tmp_path):
    rep = R.write_corpus_report(str(BAD), tmp_path)
    assert rep["documents"] == 31 and rep["rejected"] == 9 and rep["warnings"] >= 2
    rejects = pd.read_csv(tmp_path / "rejects.csv")
    assert list(rejects.columns) == ["source", "doc_id", "reason"] and len(rejects) == 9
    issues = pd.read_csv(tmp_path / "issues.csv")
    assert {"rw03", "cc05"} <= set(issues.loc[issues.level == "warning", "doc_id"])
    text = R.format_corpus_report(rep, tmp_path, max_rows=3)
    assert text.splitlines()[0].startswith("corpus: 31 documents loaded, 9 rejected (")
    assert "1 whitespace-only text; " in text and len(text.splitlines()) == 1 + 3 + 1
    assert text.splitlines()[-1] == "  ... and 6 more in rejects.csv"


# ------------------------------------------------------------------------------------------- end to end
def _seeds_output_files() -> dict:
    """The seeds' results: files directly in outputs/ and in its figures/, notebooks/, report/, coding/ folders
    (other folders of outputs/ belong to other corpora, which other runs may be writing to)."""
    root = R.SEEDS_OUTPUT_DIR
    if not root.exists():
        return {}
    files = [p for p in root.iterdir() if p.is_file()]
    for name in R.RESERVED_OUTPUT_NAMES:
        files += [p for p in (root / name).rglob("*") if p.is_file()] if (root / name).exists() else []
    return {p: p.stat().st_mtime_ns for p in files}


@pytest.mark.slow
def test_whole_collection_runs_on_another_story_into_its_own_folder(tmp_path, monkeypatch):
    """The one command on the bad-rows corpus, with the story files, into a folder of its own.

    The shared human-coded validation data is hidden (as on a machine without it): the sections that use it
    do not depend on the corpus, take most of notebook 05's time (classifier cross-validation) and run on
    the seeds in tests/test_notebooks.py; hiding them keeps this test within about four minutes.
    """
    monkeypatch.setenv("ANALYSIS_VALIDATION_DIR", str(tmp_path / "no_validation_data"))
    before = _seeds_output_files()
    out = tmp_path / "byoc_out"
    argv = ["--corpus", str(BAD), "--output-dir", str(out), "--no-report"]
    for name, path in STORY.items():
        argv += [R.STORY_FILES[name][0], str(path)]
    assert R.main(argv) == 0

    # every notebook in notebooks/ ran without an error output, got the story files, and wrote figures
    books = R.list_notebooks()
    assert [nb.name[:2] for nb in books][:5] == ["01", "02", "03", "04", "05"]
    outputs = {}
    for nb in books:
        executed = nbformat.read(out / "notebooks" / nb.name, as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, (nb.name, errors[:1])
        figures = list((out / "figures").glob(f"{nb.name[:2]}_*.png"))
        assert figures and all(f.stat().st_size > 5_000 for f in figures), nb.name
        params = next(c.source for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert str(BAD) in params
        for name, path in STORY.items():
            if name in R.declared_parameters(nb):
                assert str(path) in params, (nb.name, name)
        outputs[nb.name[:2]] = json.dumps([c.get("outputs", []) for c in executed.cells])

    # the rejects report lists exactly the bad rows with their reasons; notebook 01 shows them
    rejects = pd.read_csv(out / "rejects.csv")
    expected = _expected_rejects()
    assert dict(zip(_line(rejects.source), _short_reason(rejects.reason))) == {
        line: _short_reason(pd.Series([why]))[0] for line, why in expected.items()}
    assert "9 rejected documents" in outputs["01"]
    for why in expected.values():
        assert why in outputs["01"], why

    # nothing else lost: every good row is a parsed document with sentences
    import analysis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corp = analysis.build_corpus(BAD, progress=False)
    good = set(pd.read_csv(GOOD).id)
    assert set(corp.documents.doc_id) == good and set(corp.sentences.doc_id) == good

    # the story's own lists were used: its actors, its framing terms, its names for the measure
    assert "What the deal is called" in outputs["02"] and "How the US measures are named" not in outputs["02"]
    assert "Names for the terminal lease" in outputs["04"] and "Names for the US measures" not in outputs["04"]
    assert "Meridian" in outputs["03"] and "city government" in outputs["04"]

    # the outlets differ the way the articles were written: business, conflict, human interest
    for outlet, frame in (("Harbor Ledger", "Economic consequences"), ("Coastline Courier", "Conflict"),
                          ("Riverside Weekly", "Human interest")):
        assert f"{outlet} (" in outputs["04"] and f"frames (most salient frame): {frame}:" in outputs["04"]
    assert "voices (largest voice): residents:" in outputs["04"]
    # the synthesis: every outlet gets its claims, and the central actor is one of the main actor groups
    claims = (out / "06_claims.html").read_text(encoding="utf-8")
    assert all(o in claims for o in ("Harbor Ledger", "Riverside Weekly", "Coastline Courier"))
    assert re.search(r"'actor_groups': \[[^\]]*'Meridian'", outputs["06"]), "Meridian is not a main actor group"

    # the seeds' outputs were not touched
    after = _seeds_output_files()
    assert {p: t for p, t in after.items() if p in before} == before
    assert not [p for p in after if p not in before]


@pytest.mark.slow
def test_designed_angles_show_in_the_measures():
    """The measures separate the outlets the way the articles were written (article-level intervals)."""
    import analysis
    from analysis.measures import frames as framing
    from analysis.measures import quotes
    from analysis.measures import tone as S
    from analysis.measures.actors import find_actor_mentions, load_actor_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corp = analysis.build_corpus(BAD, progress=False)
    table = load_actor_table(STORY["actors"])
    # the central actor is named by every outlet
    mentions = find_actor_mentions(corp, table=table)
    assert set(mentions.loc[mentions.group == "Meridian", "doc_id"].map(
        corp.documents.set_index("doc_id").outlet)) == {"Harbor Ledger", "Coastline Courier", "Riverside Weekly"}
    # frames: each outlet leads on the frame it was written with, and its interval clears the others'
    sv = framing.load_codebook("semetko_valkenburg")
    prof = framing.outlet_frame_profile(corp, sv, seed=42).set_index(["frame", "outlet"])
    for frame, leader in (("economic", "Harbor Ledger"), ("conflict", "Coastline Courier"),
                          ("human_interest", "Riverside Weekly")):
        p = prof.loc[frame]
        assert p.estimate.idxmax() == leader, (frame, p.estimate.to_dict())
        assert p.loc[leader, "ci_low"] > p.drop(leader).ci_high.max(), (frame, p[["ci_low", "ci_high"]])
    # tone: the conflict outlet is the most negative
    tone = S.outlet_tone(S.sentence_tone(corp.sentences, methods=["vader"]), cluster="doc_id", seed=42)
    assert tone.set_index("outlet").estimate.idxmin() == "Coastline Courier"
    # voices: the human-interest outlet quotes residents most, the business outlet Meridian and officials
    share = quotes.voices(quotes.extract_quotes(corp, table=table)).pivot(
        index="outlet", columns="speaker_group", values="share").fillna(0)
    assert share["residents"].idxmax() == "Riverside Weekly" and share.loc["Riverside Weekly", "residents"] > 0.5
    assert share["analysts"].idxmax() == "Harbor Ledger" and share["lease opponents"].idxmax() == "Coastline Courier"
