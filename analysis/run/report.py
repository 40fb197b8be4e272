"""Render executed notebooks into two static HTML sites that open from disk with no network access: a student
report without the solutions and an instructor key beside it.

``python -m analysis.run.report --output-dir outputs`` reads ``outputs/notebooks/*.ipynb`` (as written by
:mod:`analysis.run.notebooks`) and writes

* ``outputs/report/index.html``, the **student report**, to share: every exercise's worked solution is
  replaced by its numbered prompt, as in the exercise notebooks (:func:`analysis.run.exercises.student_version`);
  nothing in it links to the instructor key;
* ``outputs/report_instructor/index.html``, the **instructor key**: the same pages with every worked solution,
  each labelled, and a banner on every page saying not to share it (a sibling folder, so sharing
  ``report/`` never shares the answers).

Each index has a table of contents with every notebook's sections, the time a notebook takes (an estimated
study time from the notebook's ``**Time.**`` line, and the running time the runner measured, from the run's
stamps) and a gallery of its figures, plus one page per notebook with a real ``<title>``. Scripts and styles
that nbconvert would load from a CDN (require.js, MathJax, mermaid) are removed, so a page makes no external
request; figures are embedded in the notebook pages and copied next to the index. Local paths (the injected
``output_dir``, the validation data folder, the Python environment, the home folder) are shown as
``<project>/...``, ``<validation data>/...``, ``<python>/...``, ``~/...`` in the pages (:func:`path_aliases`);
the executed notebooks themselves are not changed.

Every string on the index (story title, headings, figure names) is HTML-escaped, and every page carries a
Content-Security-Policy (:data:`REPORT_CSP`, :data:`NOTEBOOK_PAGE_CSP`): no network, no script except the
term explorer's own (allowed by its hash), so a corpus string that reached a page as markup could not run.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from analysis.config import PROJECT_ROOT
from analysis.run.exercises import instructor_version, student_version
from analysis.viz.explorer import EXPLORER_SCRIPT_HASH

#: The index page's policy: local figures and inline styles, no script, nothing from the network.
REPORT_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'")
#: A notebook page's policy: embedded figures and styles, and only the term explorer's script (in its
#: sandboxed ``srcdoc`` frame, which inherits this policy); nbconvert's inline scripts are not executable
#: (MathJax configuration) or removed.
NOTEBOOK_PAGE_CSP = (f"default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                     f"script-src {EXPLORER_SCRIPT_HASH}; base-uri 'none'; form-action 'none'")

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']https?://""", re.I)


@dataclass
class PageInfo:
    name: str
    title: str
    sections: list[tuple[str, str]] = field(default_factory=list)  # (anchor, heading text)
    figures: list[str] = field(default_factory=list)
    time: str = ""  # "about 40 + 20 min to study (estimate); runs in 25 s (measured 2026-12-03)"


def _anchor(text: str) -> str:
    # nbconvert's heading ids: spaces -> '-', other characters kept
    return text.strip().replace(" ", "-")


def strip_external_resources(page: str) -> str:
    """Remove ``<script>``/``<link>`` elements that load from the network, and module imports of CDNs."""
    page = re.sub(r"<script\b[^>]*\bsrc\s*=\s*[\"']https?://[^>]*>\s*</script>", "", page, flags=re.I | re.S)
    page = re.sub(r"<link\b[^>]*\bhref\s*=\s*[\"']https?://[^>]*>", "", page, flags=re.I)

    def _drop_cdn_script(m: re.Match) -> str:
        return "" if re.search(r"https?://cdn", m.group(0)) else m.group(0)

    page = re.sub(r"<script\b[^>]*>.*?</script>", _drop_cdn_script, page, flags=re.I | re.S)
    return page


def add_csp(page: str, policy: str) -> str:
    """Put a ``<meta http-equiv="Content-Security-Policy">`` first in the page's ``<head>`` (before any
    script or style), replacing one that is there.

    >>> add_csp("<html><head><title>t</title></head></html>", "default-src 'none'")
    '<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;"><title>t</title></head></html>'
    """
    page = re.sub(r"<meta\s+http-equiv=[\"']Content-Security-Policy[\"'][^>]*>", "", page, flags=re.I)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    new, n = re.subn(r"(<head\b[^>]*>)", lambda m: m.group(1) + meta, page, count=1, flags=re.I)
    if not n:
        raise ValueError("page has no <head> to put the Content-Security-Policy in")
    return new


def _href(name: str) -> str:
    """A file name as an escaped relative URL (``#``, ``?``, quotes and markup cannot leave the attribute)."""
    return html.escape(quote(name))


def _page_info(nb, name: str, figures: list[str]) -> PageInfo:
    title, sections = name, []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^(#{1,2})\s+(.*)", line)
            if not m:
                continue
            text = re.sub(r"[*_`]", "", m.group(2)).strip()
            if m.group(1) == "#" and title == name:
                title = text
            elif m.group(1) == "##":
                sections.append((_anchor(m.group(2)), text))
    return PageInfo(name=name, title=title, sections=sections, figures=figures)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.8rem} h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ddd}
ol.toc>li{margin:.6rem 0} ol.toc ul{margin:.2rem 0 .2rem 1rem;font-size:.95rem}
.time{color:#555;font-size:.9rem}
.key{margin:1rem 0;padding:.6rem .8rem;border-left:5px solid #b91c1c;background:#fef2f2}
.gallery{display:flex;flex-wrap:wrap;gap:.8rem;margin:.6rem 0 1.4rem}
.gallery figure{margin:0;width:250px} .gallery img{width:250px;border:1px solid #ddd;background:#fff}
.gallery figcaption{font-size:.8rem;color:#555;word-break:break-all}
"""

#: On every page of the instructor key (index and notebooks).
INSTRUCTOR_BANNER = ("Instructor key: these pages contain the worked solutions of every exercise. Share the "
                     "student report (the report/ folder next to this one) with students, not this folder.")
_BANNER_STYLE = ("margin:.5rem 1rem;padding:.5rem .8rem;border-left:5px solid #b91c1c;background:#fef2f2;"
                 "font-family:sans-serif")


def _index(pages: list[PageInfo], *, title: str, note: str, instructor: bool = False) -> str:
    toc, gallery = [], []
    for p in pages:
        page = _href(p.name + ".html")
        subs = "".join(f'<li><a href="{page}#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in p.sections)
        when = f'<div class="time">{html.escape(p.time)}</div>' if p.time else ""
        toc.append(f'<li><a href="{page}">{html.escape(p.title)}</a>{when}<ul>{subs}</ul></li>')
        figs = "".join(
            f'<figure><a href="figures/{_href(f)}"><img src="figures/{_href(f)}" alt="{html.escape(f)}"></a>'
            f'<figcaption>{html.escape(f)}</figcaption></figure>'
            for f in p.figures
        )
        gallery.append(f'<h3><a href="{page}">{html.escape(p.title)}</a></h3><div class="gallery">{figs or "<p>no figures</p>"}</div>')
    heading = f"{title} · instructor key" if instructor else title
    banner = (f'<p class="key">{html.escape(INSTRUCTOR_BANNER)} '
              f'<a href="../report/index.html">Open the student report</a>.</p>') if instructor else ""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{html.escape(REPORT_CSP)}\">"
            f"<title>{html.escape(heading)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(heading)}</h1>{banner}<p>{html.escape(note)}</p>"
            f"<h2 id='contents'>Contents</h2><ol class='toc'>{''.join(toc)}</ol>"
            f"<h2 id='figures'>Figures</h2>{''.join(gallery)}</body></html>")


_STUDY_TIME = re.compile(r"about\s+(\d+)\s+minutes\s+to\s+work\s+through(?:\s+and\s+(\d+)\s+(?:minutes\s+)?for\s+the\s+"
                         r"exercises)?", re.I)


def study_minutes(nb) -> tuple[int, int] | None:
    """The estimated study time a notebook states in its ``**Time.**`` line: ``(minutes to work through,
    minutes for the exercises)``, or None when it states none.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# 01 · Corpus\\n\\n**Time.** About 40 minutes to work through and 25 for the exercises (our estimate).")])
    >>> study_minutes(nb)
    (40, 25)
    """
    for cell in nb.cells[:3]:
        if cell.cell_type != "markdown" or "**Time.**" not in cell.source:
            continue
        m = _STUDY_TIME.search(cell.source.split("**Time.**", 1)[1])
        if m:
            return int(m.group(1)), int(m.group(2) or 0)
    return None


def format_seconds(seconds: float) -> str:
    """``42`` -> ``'42 s'``, ``312.4`` -> ``'5 min 12 s'``.

    >>> format_seconds(42.4), format_seconds(312.4), format_seconds(3600)
    ('42 s', '5 min 12 s', '60 min')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def time_line(nb, measured: dict | None) -> str:
    """What the report says a notebook takes: the stated study time (an estimate) and the running time the
    runner measured in this run.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "**Time.** About 40 minutes to work through and 25 for the exercises.")])
    >>> time_line(nb, {"seconds": 12.3, "when": "2026-12-03T10:00:00+00:00", "quick": False})
    'study: about 40 min + 25 min for the exercises (estimate) · running it took 12 s in this run (measured 2026-12-03)'
    """
    parts = []
    study = study_minutes(nb)
    if study:
        parts.append(f"study: about {study[0]} min" + (f" + {study[1]} min for the exercises" if study[1] else "")
                     + " (estimate)")
    if measured and measured.get("seconds") is not None:
        when = str(measured.get("when") or "")[:10]
        parts.append(f"running it took {format_seconds(measured['seconds'])} in this run"
                     + (f" (measured {when}{', quick mode' if measured.get('quick') else ''})" if when else ""))
    return " · ".join(parts)


def path_aliases(output_dir: str | Path | None = None, *, parameters: dict | None = None) -> list[tuple[str, str]]:
    """Local folders and the names a shareable page shows for them, longest first: the validation data folder
    (``<validation data>``), the output folder when it is outside the project (``<output>``), the folder of
    every other path a notebook was given as a parameter (``parameters``, e.g. papermill's record of the run:
    ``corpus`` -> ``<corpus folder>``) when outside the project and the home folder, the Python environment
    when outside the project (``<python>``), the project (``<project>``) and the home folder (``~``). Each
    folder is listed as given and resolved (symbolic links).

    >>> dict(path_aliases())[str(PROJECT_ROOT)]
    '<project>'
    >>> dict(path_aliases(parameters={"corpus": "/data/news/articles.csv", "seed": 42}))["/data/news"]
    '<corpus folder>'
    """
    import sys

    from analysis.config import get_settings

    settings = get_settings()
    named = [(settings.validation_dir, "<validation data>")]
    outside = lambda p: not any(Path(p).resolve().is_relative_to(root.resolve())  # noqa: E731
                                for root in (PROJECT_ROOT, Path.home()))
    given = {"output_dir": output_dir} if output_dir is not None else {}
    for name, value in {**given, **(parameters or {})}.items():
        if not isinstance(value, (str, Path)) or not Path(value).is_absolute() or not outside(value):
            continue
        if name == "output_dir":
            named.append((Path(value), "<output>"))
        else:
            named.append((Path(value) if Path(value).is_dir() else Path(value).parent, f"<{name} folder>"))
    if outside(sys.prefix):
        named.append((Path(sys.prefix), "<python>"))
    named += [(PROJECT_ROOT, "<project>"), (Path.home(), "~")]
    pairs = {}
    for path, alias in named:
        for form in (str(path), str(Path(path).resolve())):
            if len(form) > 1:
                pairs.setdefault(form.rstrip("/"), alias)
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def scrub_paths(text: str, aliases: list[tuple[str, str]]) -> str:
    """``text`` with every local folder of ``aliases`` replaced by its alias (only at a path boundary).

    >>> scrub_paths('output_dir = "/home/ana/news/outputs"', [("/home/ana/news", "<project>"), ("/home/ana", "~")])
    'output_dir = "<project>/outputs"'
    >>> scrub_paths("/home/anabel/x and /home/ana.", [("/home/ana", "~")])
    '/home/anabel/x and ~.'
    """
    for folder, alias in aliases:
        if folder in text:
            text = re.sub(re.escape(folder) + r"(?![\w-]|\.\w)", lambda m: alias, text)  # not inside a longer name
    return text


def scrub_notebook(nb, aliases: list[tuple[str, str]]):
    """A copy of ``nb`` whose code and text outputs show local folders by their aliases (:func:`scrub_paths`);
    images are untouched."""
    import copy

    out = copy.deepcopy(nb)
    fix = lambda v: scrub_paths(v, aliases) if isinstance(v, str) else (  # noqa: E731
        [scrub_paths(x, aliases) if isinstance(x, str) else x for x in v] if isinstance(v, list) else v)
    for cell in out.cells:
        cell.source = fix(cell.source)
        for o in cell.get("outputs", []):
            if "text" in o:
                o["text"] = fix(o["text"])
            if "evalue" in o:
                o["evalue"] = fix(o["evalue"])
            if "traceback" in o:
                o["traceback"] = fix(o["traceback"])
            for mime in list(o.get("data", {})):
                if mime.startswith("text/") or mime in ("application/json",):
                    o["data"][mime] = fix(o["data"][mime])
    return out


def report_title(output_dir: str | Path) -> str:
    """The title of the story the notebooks used (``<output_dir>/story.json``, written by
    :func:`analysis.open_study`), or a generic one."""
    from analysis.store import read_json

    used = read_json(Path(output_dir) / "story.json") or {}
    return str(used.get("title") or "How outlets framed the story")


#: Shown on every notebook page of a report built on another corpus than the seeds: the notebooks' teaching
#: notes that start "On the seeds" describe the demo corpus.
SEEDS_NOTES_BANNER = ("This report is about your corpus. Notes in the text that begin \u201cOn the seeds\u201d "
                      "describe the project's five demo articles and say nothing about these results; every "
                      "table, figure and printed number is computed on your corpus.")


def seeds_notes_apply(output_dir: str | Path) -> bool:
    """Whether the notebooks ran on the seeds (``<output_dir>/story.json``); True when that is not recorded.

    >>> import tempfile; seeds_notes_apply(tempfile.mkdtemp())
    True
    """
    from analysis.store import read_json

    used = read_json(Path(output_dir) / "story.json") or {}
    return bool(used.get("seeds", True))


def report_inputs_key(output_dir: str | Path) -> str:
    """What the report is built from: the executed notebooks, the figures, the story used (``story.json``),
    the notebooks' measured times, and the package that renders them (``analysis`` and nbconvert's version).
    The runner rebuilds the report only when this changed (or a report is missing)."""
    import hashlib
    import json
    from importlib.metadata import version

    from analysis.run.notebooks import digest_files, notebook_times

    output_dir = Path(output_dir)
    files = sorted((output_dir / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    files += sorted((output_dir / "figures").glob("*.png")) + [output_dir / "story.json"]
    h = hashlib.sha256(json.dumps([version("nbconvert"), notebook_times(output_dir),
                                   digest_files([PROJECT_ROOT / "analysis"], "")]).encode())
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


def _renderer_key() -> str:
    """What renders a page besides its notebook: this module, the exercise replacement, the term explorer's
    script and nbconvert."""
    import hashlib
    from importlib.metadata import version

    import analysis.run.exercises as exercises
    import analysis.viz.explorer as explorer

    h = hashlib.sha256(version("nbconvert").encode())
    for module in (__file__, exercises.__file__, explorer.__file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()


def _sync_figures(folder: Path, all_figs: list[Path]) -> None:
    """``folder/figures/`` holds exactly ``all_figs`` (copied when new or changed)."""
    target = folder / "figures"
    target.mkdir(parents=True, exist_ok=True)
    names = {f.name for f in all_figs}
    for old in target.glob("*"):
        if old.name not in names:
            old.unlink()
    for f in all_figs:
        dest = target / f.name
        st = f.stat()
        if not dest.exists() or dest.stat().st_size != st.st_size or dest.stat().st_mtime_ns != st.st_mtime_ns:
            shutil.copy2(f, dest)


def _write_site(folder: Path, output_dir: Path, executed: list[Path], all_figs: list[Path], *, title: str,
                on_seeds: bool, instructor: bool, times: dict, aliases: list[tuple[str, str]], exporter) -> Path:
    """Write one site (student report or instructor key). A page whose inputs (its executed notebook, the
    title, the measured time, the renderer) did not change since the last build is kept as it is
    (``<folder>/.pages.json``): editing one notebook re-renders one page and the index."""
    import hashlib
    import json

    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    _sync_figures(folder, all_figs)
    try:
        rendered = json.loads((folder / ".pages.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rendered = {}
    renderer = _renderer_key()
    keep = {f"{p.stem}.html" for p in executed} | {"index.html"}
    for old in folder.glob("*.html"):
        if old.name not in keep:
            old.unlink()
    pages, done, written = [], {}, []
    for path in executed:
        raw = path.read_bytes()
        ran_with = json.loads(raw).get("metadata", {}).get("papermill", {}).get("parameters", {})
        local = sorted({**dict(aliases), **dict(path_aliases(output_dir, parameters=ran_with))}.items(),
                       key=lambda kv: -len(kv[0]))  # the folders this notebook ran with, too
        page_key = hashlib.sha256(json.dumps([renderer, title, on_seeds, instructor, times.get(path.name),
                                              local]).encode() + raw).hexdigest()
        target = folder / f"{path.stem}.html"
        old = rendered.get(path.stem)
        if isinstance(old, dict) and old.get("key") == page_key and target.exists():
            info = PageInfo(name=path.stem, title=old["title"], sections=[tuple(x) for x in old["sections"]],
                            time=old["time"])
        else:  # parse and render only what changed
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            nb = instructor_version(nb) if instructor else student_version(nb, name=path.name, report=True)
            nb = scrub_notebook(nb, local)
            info = _page_info(nb, path.stem, [])
            info.time = time_line(nb, times.get(path.name))
            page_title = f"{info.title} · {title}" + (" · instructor key" if instructor else "")
            body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": page_title}})
            body = add_csp(strip_external_resources(body), NOTEBOOK_PAGE_CSP)
            body = re.sub(r"<title>.*?</title>", lambda m: f"<title>{html.escape(page_title)}</title>", body,
                          count=1, flags=re.S)
            nav = (f'<nav style="padding:.5rem 1rem;font-family:sans-serif"><a href="index.html">&larr; all '
                   'notebooks</a>' + (f' <span style="color:#555;font-size:.9rem">· {html.escape(info.time)}</span>'
                                      if info.time else "") + "</nav>")
            if instructor:
                nav += f'<p class="instructor-key" style="{_BANNER_STYLE}">{html.escape(INSTRUCTOR_BANNER)}</p>'
            if not on_seeds:
                nav += ('<p class="seeds-notes" style="margin:.5rem 1rem;padding:.5rem;border-left:4px solid '
                        f'#b45309;background:#fff7ed;font-family:sans-serif">{html.escape(SEEDS_NOTES_BANNER)}</p>')
            body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(body, encoding="utf-8")
            tmp.replace(target)
            written.append(target)
        done[path.stem] = {"key": page_key, "title": info.title, "sections": info.sections, "time": info.time}
        info.figures = [f.name for f in all_figs if f.name.startswith(path.stem[:3])]
        pages.append(info)
    note = (f"{len(pages)} notebook{'s' if len(pages) != 1 else ''} executed top to bottom; {len(all_figs)} figures. "
            + ("Each exercise's worked solution follows its prompt, labelled. " if instructor else
               "Each exercise shows its numbered prompt; try it in the exercise notebooks (notebooks/exercises/). ")
            + "Study times are estimates; running times were measured by the runner in this run. "
            "Every page opens from disk and loads nothing from the network.")
    index = folder / "index.html"
    index.write_text(_index(pages, title=title, note=note, instructor=instructor), encoding="utf-8")
    for page in [*written, index]:
        if _EXTERNAL.search(page.read_text(encoding="utf-8")):
            raise RuntimeError(f"{page.name} still references an external resource")
    (folder / ".pages.json").write_text(json.dumps(done, indent=1), encoding="utf-8")
    return index


#: The instructor key's folder, next to the student report (``<output_dir>/report/``).
INSTRUCTOR_FOLDER = "report_instructor"


def build_report(output_dir: str | Path, *, title: str | None = None, instructor: bool = True) -> Path:
    """Write the student report ``<output_dir>/report/`` and (``instructor=True``) the instructor key
    ``<output_dir>/report_instructor/`` from the executed notebooks; return the student index path.

    ``title`` defaults to the title of the story the notebooks were run with (:func:`report_title`).
    """
    from analysis.run.notebooks import notebook_times

    output_dir = Path(output_dir)
    title = title or report_title(output_dir)
    on_seeds = seeds_notes_apply(output_dir)
    executed = sorted((output_dir / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not executed:
        raise FileNotFoundError(f"no executed notebooks in {output_dir / 'notebooks'}: run analysis.run.notebooks first")
    all_figs = sorted((output_dir / "figures").glob("*.png"))
    made = []

    def exporter():  # nbconvert is imported only when a page has to be rendered
        if not made:
            from nbconvert import HTMLExporter

            made.append(HTMLExporter(template_name="lab"))
            made[0].exclude_input_prompt = True
            made[0].exclude_output_prompt = True
        return made[0]

    options = dict(title=title, on_seeds=on_seeds, times=notebook_times(output_dir),
                   aliases=path_aliases(output_dir), exporter=exporter)
    index = _write_site(output_dir / "report", output_dir, executed, all_figs, instructor=False, **options)
    if instructor:
        _write_site(output_dir / INSTRUCTOR_FOLDER, output_dir, executed, all_figs, instructor=True, **options)
    return index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output-dir", default="outputs", type=Path)
    args = ap.parse_args(argv)
    print(f"report written to {build_report(args.output_dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
