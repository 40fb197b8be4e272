"""The offline evidence explorer: one HTML page per corpus, an outlet x measure grid whose cells list their
evidence sentences (trigger in a ``<mark>``), filterable by outlet, actor group and frame, each linking to the
article in context.

Every number and sentence comes from the study's measure store: ``frame_codes`` (frames; the trigger text is
searched in the sentence), ``actor_mentions`` with ``sentence_tone`` (tone of the sentences naming an actor
group; mention offsets), ``quotes`` (voices per speaker group; quote offsets, speaker text searched) and
``attribution_markers`` (marker offsets). The page needs no network: one inline ``<style>``, one inline
``<script>`` allowed by a Content-Security-Policy hash, and the data in a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026``; the script builds the page with
``textContent`` only, so a hostile outlet name or sentence is shown as text.

>>> import analysis, tempfile, pathlib
>>> study = analysis.open_study(progress=False)
>>> p = evidence_explorer_html(study, pathlib.Path(tempfile.mkdtemp()) / "evidence.html", cap=5)
>>> page = p.read_text(); "Content-Security-Policy" in page and "https://" not in page
True
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FAMILIES", "evidence_data", "evidence_explorer_html", "json_for_html", "write_explorer_page"]

#: The grid's measure families, in column order.
FAMILIES = ("frames", "tone toward actors", "voices", "attribution markers")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def json_for_html(data) -> str:
    """``data`` as JSON safe inside any HTML element: ``<``, ``>``, ``&`` (and U+2028/9) as ``\\uXXXX`` escapes.

    >>> json_for_html({"x": "</script><b>&"})
    '{"x": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    s = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        s = s.replace(ch, esc)
    return s


def _utf16(text: str):
    """Code-point offset -> UTF-16 offset (what JavaScript's ``slice`` counts) for ``text``."""
    if not _ASTRAL.search(text):
        return lambda i: int(i)
    extra = np.concatenate([[0], np.cumsum([ord(c) > 0xFFFF for c in text])])
    return lambda i: int(i) + int(extra[min(max(int(i), 0), len(text))])


def _find(sentence: str, needle) -> list[tuple[int, int]]:
    """Where each ``"; "``-separated part of ``needle`` first occurs in ``sentence`` (case-insensitive, tokens
    joined by any spacing: a frame trigger ``"12 - dollar"`` finds ``12-dollar``), as sentence offsets.

    >>> _find("A 12-dollar charge, said the Mayor.", "12 - dollar; mayor")
    [(2, 11), (29, 34)]
    """
    if not isinstance(needle, str):
        return []
    out = []
    for part in needle.split("; "):
        tokens = part.split()
        if not tokens:
            continue
        pat = r"\s*".join(re.escape(t) for t in tokens)
        pat = (r"\b" if tokens[0][0].isalnum() else "") + pat + (r"\b" if tokens[-1][-1].isalnum() else "")
        m = re.search(pat, sentence, flags=re.IGNORECASE)
        if m and m.end() > m.start():
            out.append((m.start(), m.end()))
    return out


def _text(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _hits(study, *, tone_method: str | None, max_groups: int) -> tuple[pd.DataFrame, dict]:
    """One row per (outlet, grid column, sentence, trigger): ``family, label, outlet, sent_id, a, b, find,
    note, value`` (``a, b``: trigger offsets in the document, -1 when the trigger text is to be searched)."""
    store = study.measures
    sents = study.corpus.sentences.set_index("sent_id")
    cols = ["family", "label", "outlet", "sent_id", "a", "b", "find", "note", "value"]
    parts, info = [], {}

    fr = store.get("frame_codes")
    if len(fr):
        order = fr.groupby("frame")["sent_id"].nunique().sort_values(ascending=False, kind="stable").index
        fr = fr.assign(family="frames", label=fr["frame"].astype(str), a=-1, b=-1, find=fr["trigger"],
                       note=fr["question"].astype(str) + " " + fr["indicator"].astype(str), value=np.nan)
        fr["label"] = pd.Categorical(fr["label"], list(order), ordered=True)
        parts.append(fr.sort_values("label", kind="stable").assign(label=lambda d: d["label"].astype(str))[cols])

    tone = store.get("sentence_tone")
    methods = list(dict.fromkeys(tone["method"].astype(str)))
    method = tone_method or next((m for m in ("hybrid", "vader") if m in methods), methods[0] if methods else None)
    if tone_method is not None and tone_method not in methods:
        raise ValueError(f"tone_method {tone_method!r} is not in the sentence_tone table (methods: {methods})")
    info["tone_method"] = method
    am = store.get("actor_mentions")
    alias = am[am["method"] == "alias"] if "method" in am else am
    if len(alias) and method is not None:
        t = tone[tone["method"] == method].drop_duplicates("sent_id").set_index("sent_id")["tone"]
        top = alias["group"].value_counts().index[:max_groups]
        m = alias[alias["group"].isin(top) & alias["sent_id"].isin(t.index)]
        m = m.assign(family="tone toward actors", label=m["group"].astype(str),
                     outlet=m["sent_id"].map(sents["outlet"]), a=m["start_char"], b=m["end_char"], find=None,
                     value=m["sent_id"].map(t).astype(float))
        m["note"] = [f"tone {v:+.2f} ({method})" for v in m["value"]]
        m["label"] = pd.Categorical(m["label"], [str(g) for g in top], ordered=True)
        parts.append(m.sort_values("label", kind="stable").assign(label=lambda d: d["label"].astype(str))[cols])

    q = store.get("quotes")
    q = q[q["speaker_group"].notna()] if len(q) else q
    if len(q):
        top = q["speaker_group"].value_counts().index[:max_groups]
        q = q[q["speaker_group"].isin(top)]
        q = q.assign(family="voices", label=q["speaker_group"].astype(str), a=q["start_char"], b=q["end_char"],
                     find=q["speaker_text"], value=np.nan,
                     note=q["speaker"].fillna(q["speaker_text"]).astype(str) + " (" + q["quote_type"].astype(str) + ")")
        q["label"] = pd.Categorical(q["label"], [str(g) for g in top], ordered=True)
        parts.append(q.sort_values("label", kind="stable").assign(label=lambda d: d["label"].astype(str))[cols])

    mk = store.get("attribution_markers")
    if len(mk):
        mk = mk.assign(family="attribution markers", label=mk["marker_class"].astype(str), a=mk["start_char"],
                       b=mk["end_char"], find=None, note=mk["context"].astype(str), value=np.nan)
        parts.append(mk.sort_values("label", kind="stable")[cols])

    hits = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    hits = hits[hits["sent_id"].isin(sents.index)].copy()
    hits["outlet"] = hits["outlet"].astype(str)
    hits["family"] = pd.Categorical(hits["family"], FAMILIES, ordered=True)
    return hits, info


def evidence_data(study, *, cap: int = 50, tone_method: str | None = None, max_groups: int = 8,
                  title: str | None = None) -> dict:
    """The explorer's data: the grid cells and, per cell, up to ``cap`` evidence sentences (spread over articles:
    each article's first sentence before any article's second), with only the articles they come from.

    Offsets (``sents``, ``ev`` spans) are UTF-16 offsets into the article text, as JavaScript counts them.

    >>> import analysis
    >>> d = evidence_data(analysis.open_study(progress=False), cap=3)
    >>> sorted(d)[:4], all(len(c["ev"]) <= 3 for c in d["cells"])
    (['cap', 'cells', 'columns', 'docs'], True)
    """
    if not isinstance(cap, (int, np.integer)) or cap < 1:
        raise ValueError(f"cap must be a positive integer, not {cap!r}")
    if not (hasattr(study, "measures") and hasattr(study, "corpus")):
        raise TypeError(f"evidence_data needs an analysis.Study (analysis.open_study), not {type(study).__name__}")
    corpus = study.corpus
    sents = corpus.sentences.reset_index(drop=True)
    pos = pd.Series(np.arange(len(sents)), index=sents["sent_id"])
    sinfo = sents.set_index("sent_id")
    s_doc = dict(zip(sents["sent_id"], sents["doc_id"]))
    s_start = dict(zip(sents["sent_id"], sents["start_char"].astype(int)))
    s_end = dict(zip(sents["sent_id"], sents["end_char"].astype(int)))
    docs = corpus.documents.set_index("doc_id")
    hits, info = _hits(study, tone_method=tone_method, max_groups=max_groups)
    hits["pos"] = hits["sent_id"].map(pos)

    outlets = sorted(docs["outlet"].astype(str).unique())
    columns = list(hits[["family", "label"]].drop_duplicates().sort_values("family", kind="stable")
                   .itertuples(index=False, name=None))
    col_index = {c: i for i, c in enumerate(columns)}

    # the actor groups and frames of each evidence sentence, for the filters (filled in below)
    am = study.measures.get("actor_mentions")
    am = am[am["method"] == "alias"] if "method" in am else am
    groups = sorted(am["group"].dropna().astype(str).unique())
    fr = study.measures.get("frame_codes")
    frames = [str(f) for f in fr["frame"].dropna().value_counts().index] if len(fr) else []

    cells, ev, sent_rows, sent_idx, doc_rows, doc_idx, conv = [], [], [], {}, [], {}, {}

    def doc_i(doc_id: str) -> int:
        if doc_id not in doc_idx:
            d = docs.loc[doc_id]
            text = str(d["text"])
            conv[doc_id] = _utf16(text)
            date = d.get("date")
            doc_idx[doc_id] = len(doc_rows)
            doc_rows.append([str(doc_id), str(d["outlet"]), _text(d.get("title")),
                             "" if date is None or pd.isna(date) else str(pd.Timestamp(date).date()), text])
        return doc_idx[doc_id]

    def sent_i(sid: str) -> int:
        if sid not in sent_idx:
            di = doc_i(s_doc[sid])
            u = conv[s_doc[sid]]
            sent_idx[sid] = len(sent_rows)
            sent_rows.append([di, u(s_start[sid]), u(s_end[sid]), [], []])
        return sent_idx[sid]

    for (fam, label, outlet), g in hits.groupby(["family", "label", "outlet"], observed=True, sort=False):
        per_sent = g.drop_duplicates("sent_id")[["sent_id", "pos", "value"]]
        n = len(per_sent)
        value = float(per_sent["value"].mean()) if fam == "tone toward actors" else None
        per_sent = per_sent.assign(doc=per_sent["sent_id"].map(sinfo["doc_id"])).sort_values("pos")
        per_sent["r"] = per_sent.groupby("doc").cumcount()
        picked = per_sent.sort_values(["r", "pos"]).head(int(cap)).sort_values("pos")["sent_id"]
        ids = []
        keep = set(picked)
        by_sent: dict[str, list] = {}
        for row in zip(g["sent_id"], g["a"], g["b"], g["find"], g["note"]):
            if row[0] in keep:
                by_sent.setdefault(row[0], []).append(row)
        for sid in picked:
            rows = by_sent[sid]
            si = sent_i(sid)
            doc_id = s_doc[sid]
            doc_text = doc_rows[doc_idx[doc_id]][4]
            s0, s1 = s_start[sid], s_end[sid]
            sentence = doc_text[s0:s1]
            u = conv[doc_id]
            spans = []
            for _, a, b, find, _note in rows:
                a, b = int(a), int(b)
                if a >= 0 and b > a:   # a stored offset: clip it to the sentence
                    a, b = max(a, s0), min(b, s1)
                    if b > a:
                        spans.append((a, b))
                spans += [(s0 + x, s0 + y) for x, y in _find(sentence, find)]
            merged: list[list[int]] = []
            for a, b in sorted(set(spans)):
                if merged and a <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            notes = list(dict.fromkeys(str(r[4]) for r in rows))
            ev.append([si, [[u(a), u(b)] for a, b in merged], "; ".join(notes[:4]) + (" ..." if len(notes) > 4 else "")])
            ids.append(len(ev) - 1)
        cells.append({"o": outlets.index(outlet), "c": col_index[(fam, label)], "n": int(n), "hits": int(len(g)),
                      "value": None if value is None or np.isnan(value) else round(value, 3), "ev": ids})

    used = pd.Index(list(sent_idx))
    for table, column, names, slot in ((am, "group", groups, 3), (fr, "frame", frames, 4)):
        if not len(table):
            continue
        code = {n: i for i, n in enumerate(names)}
        t = table[table["sent_id"].isin(used)]
        for sid, vals in t.groupby("sent_id")[column]:
            sent_rows[sent_idx[sid]][slot] = sorted({code[str(v)] for v in vals.dropna()})

    return {"title": title or f"Evidence explorer · {getattr(study.story, 'title', '') or study.story.name}",
            "cap": int(cap), "tone_method": info.get("tone_method"), "outlets": outlets,
            "columns": [{"family": str(f), "label": str(lbl), "kind": "mean tone" if f == "tone toward actors" else "count"}
                        for f, lbl in columns],
            "cells": cells, "ev": ev, "sents": sent_rows, "docs": doc_rows, "groups": groups, "frames": frames}


def evidence_explorer_html(study, path: str | Path, *, cap: int = 50, tone_method: str | None = None,
                           max_groups: int = 8, title: str | None = None) -> Path:
    """Write the offline evidence explorer of ``study`` to ``path`` and return the path.

    ``cap``: evidence sentences kept per cell (the page says "showing cap of N"); ``max_groups``: the most
    mentioned actor groups (tone) and speaker groups (voices) that get a column; ``tone_method``: a method of
    the ``sentence_tone`` table (default ``hybrid`` when present, else ``vader``).
    """
    data = evidence_data(study, cap=cap, tone_method=tone_method, max_groups=max_groups, title=title)
    return write_explorer_page(data, path)


def write_explorer_page(data: dict, path: str | Path) -> Path:
    """Write the page for :func:`evidence_data`'s ``data`` (the one place data meets HTML)."""
    script = "\n" + _SCRIPT.strip("\n") + "\n"   # exactly the text between <script> and </script>
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:"
    page = (_PAGE.replace("__CSP__", csp)   # constant text and base64: nothing to escape
            .replace("__TITLE__", html.escape(str(data.get("title", "Evidence explorer"))))
            .replace("__STYLE__", _STYLE.strip("\n"))
            .replace("__DATA__", json_for_html(data))
            .replace("__SCRIPT__", script))
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(page, encoding="utf-8")
    return p


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="__CSP__">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
__STYLE__
</style></head><body>
<h1 id="title"></h1>
<p class="help">Each cell counts the sentences behind one measure in one outlet (tone columns: mean tone of the
sentences naming the group, and their number). Click a cell to list its evidence; the trigger is highlighted.
Filter the list by outlet, actor group and frame; open a sentence's article to read it in context.</p>
<div id="gridwrap"><table id="grid"></table></div>
<section id="panel">
<div class="filters">
<label>Outlet <select id="f-outlet"></select></label>
<label>Actor group <select id="f-actor"></select></label>
<label>Frame <select id="f-frame"></select></label>
</div>
<h2 id="ev-title">Click a cell of the grid</h2>
<p id="ev-status"></p>
<ol id="ev-list"></ol>
</section>
<section id="article" hidden>
<button id="back" type="button">&larr; back to the evidence</button>
<h2 id="art-title"></h2>
<p id="art-meta" class="meta"></p>
<div id="art-body"></div>
</section>
<script type="application/json" id="evidence-data">__DATA__</script>
<script>__SCRIPT__</script>
</body></html>
"""

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1em 2em;font-size:14px;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:.6em 0 .2em}.help,.meta,#ev-status{color:#555}
#gridwrap{overflow:auto;max-height:45vh;border:1px solid #ddd}
table{border-collapse:collapse}th,td{padding:3px 8px;border:1px solid #e3e3e3;text-align:right;white-space:nowrap}
th{background:#f5f5f5;position:sticky;top:0}th.row{text-align:left;position:sticky;left:0}
td.cell{cursor:pointer}td.cell:hover{outline:2px solid #3367d6}td.sel{outline:3px solid #d93025}
td.empty{color:#bbb}
.filters label{margin-right:1.2em}
#ev-list li{margin:.5em 0;max-width:70em}.sent{margin:.15em 0}
mark{background:#ffe066;padding:0 1px}mark.sentence{background:#d2e3fc}mark.sentence mark{background:#ffe066}
button.open{font-size:12px;margin-left:.6em}
#art-body{white-space:pre-wrap;max-width:60em;line-height:1.5;border-top:1px solid #ddd;padding-top:.5em}
"""

_SCRIPT = r"""
"use strict";
const D = JSON.parse(document.getElementById("evidence-data").textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; };
let current = null;   // index of the selected grid column
let selected = null;  // the selected td
$("title").textContent = D.title;
document.title = D.title;

function option(sel, value, label) { const o = document.createElement("option"); o.value = String(value);
  o.textContent = String(label); sel.appendChild(o); }
option($("f-outlet"), "", "all outlets"); D.outlets.forEach((o, i) => option($("f-outlet"), i, o));
option($("f-actor"), "", "any actor group"); D.groups.forEach((g, i) => option($("f-actor"), i, g));
option($("f-frame"), "", "any frame"); D.frames.forEach((f, i) => option($("f-frame"), i, f));

const cellAt = {};
D.cells.forEach((c, i) => { cellAt[c.o + ":" + c.c] = i; });

function fmt(c) {
  if (c.value !== null && c.value !== undefined) return (c.value >= 0 ? "+" : "") + c.value.toFixed(2) + " (" + c.n + ")";
  return String(c.n);
}

function buildGrid() {
  const t = $("grid");
  const h1 = document.createElement("tr"), h2 = document.createElement("tr");
  h1.appendChild(el("th", "", "row")); h2.appendChild(el("th", "outlet", "row"));
  let i = 0;
  while (i < D.columns.length) {
    let j = i; while (j < D.columns.length && D.columns[j].family === D.columns[i].family) j++;
    const th = el("th", D.columns[i].family); th.colSpan = j - i; h1.appendChild(th); i = j;
  }
  D.columns.forEach((c) => h2.appendChild(el("th", c.label)));
  t.appendChild(h1); t.appendChild(h2);
  D.outlets.forEach((o, oi) => {
    const tr = document.createElement("tr");
    tr.appendChild(el("th", o, "row"));
    D.columns.forEach((col, ci) => {
      const k = cellAt[oi + ":" + ci];
      if (k === undefined) { tr.appendChild(el("td", col.kind === "count" ? "0" : "\u2013", "empty")); return; }
      const c = D.cells[k];
      const td = el("td", fmt(c), "cell");
      td.dataset.outlet = String(oi); td.dataset.column = String(ci);
      td.title = col.family + " · " + col.label + " · " + o + ": " + c.n + " sentence(s), " + c.hits + " hit(s)";
      const max = Math.max(...D.cells.filter((x) => x.c === ci).map((x) => x.n));
      td.style.background = "rgba(51,103,214," + (0.08 + 0.35 * c.n / max).toFixed(3) + ")";
      td.addEventListener("click", () => select(td, oi, ci));
      tr.appendChild(td);
    });
    t.appendChild(tr);
  });
}

function select(td, oi, ci) {
  if (selected) selected.classList.remove("sel");
  selected = td; td.classList.add("sel");
  current = ci; $("f-outlet").value = String(oi);
  showEvidence();
}

function sentenceNode(sent, spans) {
  // the sentence text with each span in a <mark>; spans are offsets into the article text
  const text = D.docs[sent[0]][4];
  const p = el("span");
  let at = sent[1];
  spans.forEach((s) => {
    const a = Math.max(s[0], at), b = Math.min(s[1], sent[2]);
    if (b <= a) return;
    p.appendChild(document.createTextNode(text.slice(at, a)));
    p.appendChild(el("mark", text.slice(a, b)));
    at = b;
  });
  p.appendChild(document.createTextNode(text.slice(at, sent[2])));
  return p;
}

function showEvidence() {
  $("article").hidden = true; $("panel").hidden = false;
  const list = $("ev-list"); list.replaceChildren();
  if (current === null) return;
  const col = D.columns[current];
  const fo = $("f-outlet").value, fa = $("f-actor").value, ff = $("f-frame").value;
  $("ev-title").textContent = col.family + " · " + col.label + (fo === "" ? " · all outlets" : " · " + D.outlets[+fo]);
  const status = [];
  let shown = 0;
  D.cells.forEach((c) => {
    if (c.c !== current || (fo !== "" && c.o !== +fo)) return;
    let k = 0;
    c.ev.forEach((ei) => {
      const e = D.ev[ei], sent = D.sents[e[0]];
      if (fa !== "" && !sent[3].includes(+fa)) return;
      if (ff !== "" && !sent[4].includes(+ff)) return;
      k++;
      const doc = D.docs[sent[0]];
      const li = el("li", null, "ev");
      li.dataset.outlet = doc[1];
      li.appendChild(el("div", doc[1] + " · " + (doc[2] || doc[0]) + (doc[3] ? " · " + doc[3] : "") + " · " + e[2], "meta"));
      const p = el("p", null, "sent"); p.appendChild(sentenceNode(sent, e[1]));
      li.appendChild(p);
      const b = el("button", "open the article", "open"); b.type = "button";
      b.addEventListener("click", () => showArticle(ei));
      li.appendChild(b);
      list.appendChild(li);
    });
    shown += k;
    const filtered = (fa !== "" || ff !== "") ? ", " + k + " of them match the filters" : "";
    status.push(D.outlets[c.o] + ": showing " + c.ev.length + " of " + c.n + " sentence(s)" + filtered);
  });
  $("ev-status").textContent = status.length ? status.join(" | ") + (status.length > 1 ? " | " + shown + " listed" : "")
    : "no evidence for this measure in this outlet";
}

function showArticle(ei) {
  const e = D.ev[ei], sent = D.sents[e[0]], doc = D.docs[sent[0]];
  $("panel").hidden = true; $("article").hidden = false;
  $("art-title").textContent = doc[2] || doc[0];
  $("art-meta").textContent = doc[1] + (doc[3] ? " · " + doc[3] : "") + " · " + doc[0];
  const body = $("art-body"); body.replaceChildren();
  const text = doc[4];
  body.appendChild(document.createTextNode(text.slice(0, sent[1])));
  const m = el("mark", null, "sentence"); m.id = "in-context";
  m.appendChild(sentenceNode(sent, e[1]));
  body.appendChild(m);
  body.appendChild(document.createTextNode(text.slice(sent[2])));
  m.scrollIntoView({block: "center"});
}

$("back").addEventListener("click", showEvidence);
["f-outlet", "f-actor", "f-frame"].forEach((id) => $(id).addEventListener("change", () => {
  if (id === "f-outlet" && selected) { selected.classList.remove("sel"); selected = null; }
  showEvidence();
}));
buildGrid();
"""
