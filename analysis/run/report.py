"""Render executed notebooks into one static HTML site that opens from disk with no network access.

``python -m analysis.run.report --output-dir outputs`` reads ``outputs/notebooks/*.ipynb`` (as written by
:mod:`analysis.run.notebooks`) and writes ``outputs/report/index.html`` (table of contents with every
notebook's sections and a gallery of its figures) plus one page per notebook. Scripts and styles that
nbconvert would load from a CDN (require.js, MathJax, mermaid) are removed, so a page makes no external
request; figures are embedded in the notebook pages and copied next to the index.

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
.gallery{display:flex;flex-wrap:wrap;gap:.8rem;margin:.6rem 0 1.4rem}
.gallery figure{margin:0;width:250px} .gallery img{width:250px;border:1px solid #ddd;background:#fff}
.gallery figcaption{font-size:.8rem;color:#555;word-break:break-all}
"""


def _index(pages: list[PageInfo], *, title: str, note: str) -> str:
    toc, gallery = [], []
    for p in pages:
        page = _href(p.name + ".html")
        subs = "".join(f'<li><a href="{page}#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in p.sections)
        toc.append(f'<li><a href="{page}">{html.escape(p.title)}</a><ul>{subs}</ul></li>')
        figs = "".join(
            f'<figure><a href="figures/{_href(f)}"><img src="figures/{_href(f)}" alt="{html.escape(f)}"></a>'
            f'<figcaption>{html.escape(f)}</figcaption></figure>'
            for f in p.figures
        )
        gallery.append(f'<h3><a href="{page}">{html.escape(p.title)}</a></h3><div class="gallery">{figs or "<p>no figures</p>"}</div>')
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{html.escape(REPORT_CSP)}\">"
            f"<title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1><p>{html.escape(note)}</p>"
            f"<h2 id='contents'>Contents</h2><ol class='toc'>{''.join(toc)}</ol>"
            f"<h2 id='figures'>Figures</h2>{''.join(gallery)}</body></html>")


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


def build_report(output_dir: str | Path, *, title: str | None = None) -> Path:
    """Write ``<output_dir>/report/`` from the executed notebooks; return the index path.

    ``title`` defaults to the title of the story the notebooks were run with (:func:`report_title`).
    """
    import nbformat
    from nbconvert import HTMLExporter

    output_dir = Path(output_dir)
    title = title or report_title(output_dir)
    on_seeds = seeds_notes_apply(output_dir)
    executed = sorted((output_dir / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not executed:
        raise FileNotFoundError(f"no executed notebooks in {output_dir / 'notebooks'}: run analysis.run.notebooks first")
    report = output_dir / "report"
    if report.exists():
        shutil.rmtree(report)
    (report / "figures").mkdir(parents=True)
    all_figs = sorted((output_dir / "figures").glob("*.png"))
    for f in all_figs:
        shutil.copy2(f, report / "figures" / f.name)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    pages = []
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        info = _page_info(nb, path.stem, [])
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"{info.title} · {title}"}})
        body = add_csp(strip_external_resources(body), NOTEBOOK_PAGE_CSP)
        nav = (f'<nav style="padding:.5rem 1rem;font-family:sans-serif"><a href="index.html">&larr; all notebooks</a></nav>')
        if not on_seeds:
            nav += ('<p class="seeds-notes" style="margin:.5rem 1rem;padding:.5rem;border-left:4px solid #b45309;'
                    f'background:#fff7ed;font-family:sans-serif">{html.escape(SEEDS_NOTES_BANNER)}</p>')
        body = body.replace("<body", "<body", 1)
        body = re.sub(r"(<body[^>]*>)", r"\1" + nav, body, count=1)
        (report / f"{path.stem}.html").write_text(body, encoding="utf-8")
        figs = [f.name for f in all_figs if f.name.startswith(path.stem[:3])]
        pages.append(_page_info(nb, path.stem, figs))
    note = (f"{len(pages)} notebook{'s' if len(pages) != 1 else ''} executed top to bottom; {len(all_figs)} figures. "
            "Every page opens from disk and loads nothing from the network.")
    index = report / "index.html"
    index.write_text(_index(pages, title=title, note=note), encoding="utf-8")
    for page in report.glob("*.html"):
        if _EXTERNAL.search(page.read_text(encoding="utf-8")):
            raise RuntimeError(f"{page.name} still references an external resource")
    return index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output-dir", default="outputs", type=Path)
    args = ap.parse_args(argv)
    print(f"report written to {build_report(args.output_dir)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
