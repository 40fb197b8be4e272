"""The offline HTML term explorer for distinctive words, and showing an HTML file inline in a notebook.

>>> import pandas as pd, tempfile, pathlib
>>> s = pd.DataFrame({"outlet": "A", "term": ["ban"], "count": [3], "count_rest": [1], "freq": [1.0],
...                   "total": [4], "delta": [0.5], "z": [2.1], "rank": [1]})
>>> p = term_explorer_html(s, pathlib.Path(tempfile.mkdtemp()) / "x.html", title="Terms")
>>> "<title>Terms</title>" in p.read_text()
True

Every corpus string (outlets, terms, contexts, the title) reaches the page as text: the title is
HTML-escaped and the data sit in a ``<script type="application/json">`` block that the one fixed script
reads with ``JSON.parse`` and writes with ``textContent``. The page carries a Content-Security-Policy that
allows only that script (by its hash, :data:`EXPLORER_SCRIPT_HASH`) and inline styles.
"""
from __future__ import annotations

import base64
import hashlib
import html as _html
import json
import re
from pathlib import Path

import pandas as pd

def explorer_iframe(path: str | Path, *, height: int = 520):
    """Show an HTML file inline (``<iframe srcdoc>``: works offline, in JupyterLab and in exported HTML).

    The frame is sandboxed (scripts allowed, no same-origin access to the notebook page).
    """
    import warnings

    from IPython.display import HTML

    doc = Path(path).read_text(encoding="utf-8")
    with warnings.catch_warnings():  # IPython suggests IFrame, which needs a served file: not offline-safe
        warnings.simplefilter("ignore", UserWarning)
        return HTML(f'<iframe sandbox="allow-scripts" srcdoc="{_html.escape(doc, quote=True)}" style="width:100%;height:{height}px;'
                    f'border:1px solid #ccc"></iframe>')


def term_explorer_html(scores: pd.DataFrame, path: str | Path, *, contexts: pd.DataFrame | None = None,
                       by: str = "outlet", title: str = "Distinctive terms by outlet") -> Path:
    """Write a self-contained HTML term explorer (no internet, no JS libraries) and return its path.

    Pick an outlet, filter terms, sort by any column; click a term to see its keyword-in-context lines
    (``contexts``: a table with ``<by>, term, left, match, right``, e.g. from :func:`analysis.measures.kwic.keyword_in_context`
    with a ``term`` column holding the lemma). Open it in a browser or show it in JupyterLab with
    ``IPython.display.IFrame``.
    """
    cols = [by, "term", "count", "count_rest", "freq", "total", "delta", "z", "rank"]
    data = json.loads(scores[cols].round({"freq": 2, "delta": 3, "z": 2}).to_json(orient="records"))  # NaN -> null
    ctx = {}
    if contexts is not None and len(contexts):
        for (g, t), d in contexts.groupby([by, "term"]):
            ctx.setdefault(str(g), {})[str(t)] = d[["left", "match", "right"]].astype(str).values.tolist()
    payload = json_for_html({"rows": data, "ctx": ctx, "by": by})
    fill = {"CSP": EXPLORER_CSP, "TITLE": _html.escape(str(title)), "SCRIPT": _EXPLORER_SCRIPT, "DATA": payload}
    html = re.sub(r"__(CSP|TITLE|SCRIPT|DATA)__", lambda m: fill[m.group(1)], _EXPLORER_TEMPLATE)  # one pass
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(html, encoding="utf-8")
    return p


_EXPLORER_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="__CSP__">
<title>__TITLE__</title>
<style>
body{font-family:system-ui,sans-serif;margin:1em;font-size:14px}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
th{cursor:pointer;background:#f3f3f3}td:nth-child(1){text-align:left}
tr.hot td{background:#fde2e0}tr:hover td{background:#e8f0fe;cursor:pointer}
#ctx{font-family:monospace;white-space:pre;margin-top:1em;font-size:12px}
.wrap{display:flex;gap:2em}.left{max-height:80vh;overflow:auto}
</style></head><body>
<h3>__TITLE__</h3>
<p>Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008), each outlet vs the rest.
Rows with z &gt; 1.96 are shaded. Click a term for its contexts.</p>
<label>Outlet <select id="grp"></select></label>
<label> Filter <input id="q" placeholder="term contains..."></label>
<label> min count <input id="mc" type="number" value="1" style="width:4em"></label>
<div class="wrap"><div class="left"><table id="t"><thead><tr></tr></thead><tbody></tbody></table></div>
<div id="ctx"></div></div>
<script type="application/json" id="explorer-data">__DATA__</script>
<script>__SCRIPT__</script></body></html>
"""

_EXPLORER_SCRIPT = """
const D = JSON.parse(document.getElementById("explorer-data").textContent);
const cols = ["term","count","count_rest","freq","total","delta","z","rank"];
let sortCol = "z", asc = false;
const sel = document.getElementById("grp");
[...new Set(D.rows.map(r => r[D.by]))].sort().forEach(g => {const o=document.createElement("option");o.text=g;sel.add(o);});
const head = document.querySelector("#t thead tr");
cols.forEach(c => {const th=document.createElement("th");th.textContent=c;
  th.onclick=()=>{asc = (sortCol===c) ? !asc : (c==="term"||c==="rank"); sortCol=c; draw();}; head.appendChild(th);});
function draw(){
  const g=sel.value, q=document.getElementById("q").value.toLowerCase(), mc=+document.getElementById("mc").value;
  let rows=D.rows.filter(r=>r[D.by]===g && r.term.includes(q) && r.count>=mc);
  rows.sort((a,b)=>(a[sortCol]>b[sortCol]?1:a[sortCol]<b[sortCol]?-1:0)*(asc?1:-1));
  const tb=document.querySelector("#t tbody"); tb.innerHTML="";
  rows.slice(0,500).forEach(r=>{const tr=document.createElement("tr"); if(r.z>1.96) tr.className="hot";
    cols.forEach(c=>{const td=document.createElement("td"); td.textContent=r[c]; tr.appendChild(td);});
    tr.onclick=()=>show(g,r.term); tb.appendChild(tr);});
}
function show(g,t){
  const lines=((D.ctx[g]||{})[t])||[];
  document.getElementById("ctx").textContent = g+" | "+t+"\\n\\n" + (lines.length ? lines.map(
    l=>l[0].slice(-50).padStart(50)+" ["+l[1]+"] "+l[2].slice(0,50)).join("\\n") : "(no contexts supplied)");
}
["change","input"].forEach(e=>{sel.addEventListener(e,draw);document.getElementById("q").addEventListener(e,draw);
  document.getElementById("mc").addEventListener(e,draw);});
draw();
"""


def script_hash(script: str) -> str:
    """The CSP source (``'sha256-...'``) that allows exactly this inline script.

    >>> script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def json_for_html(value) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` as ``\\u`` escapes,
    so no string in it can close the element or open a comment.

    >>> json_for_html({"o": "</script><img src=x>"})
    '{"o": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: The CSP source of the explorer's one script; a page that embeds the explorer (the report) allows it.
EXPLORER_SCRIPT_HASH = script_hash(_EXPLORER_SCRIPT)
#: The explorer page's Content-Security-Policy: its own script, inline styles, nothing else.
EXPLORER_CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src {EXPLORER_SCRIPT_HASH}"
