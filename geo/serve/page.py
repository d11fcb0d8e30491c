"""The web page at ``/``: paste text or drop files, get the map with its snippets, download the outputs.

One HTML page with its own small script (geo's code, no third-party asset, nothing from a CDN): it
posts the articles to ``/map?format=bundle`` and shows the returned map in a sandboxed iframe
(``srcdoc``, scripts allowed, no same-origin access to this page), the places with their snippets
beside it, and download buttons for the HTML map, the GeoJSON and the static figure.

Everything that comes from an article (names, titles, snippets, file names, error messages) is put in
the page with ``textContent`` / ``createTextNode``; the script never uses ``innerHTML``.
"""
from __future__ import annotations

from geo import __version__

# The map (in a srcdoc iframe) inherits this policy, and it runs inline Leaflet code and loads online
# tiles: hence 'unsafe-inline' and https: images. Nothing is fetched but this server (connect-src).
PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "img-src data: blob: https:; font-src data:; connect-src 'self'; frame-src 'self' blob: data: about:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_STYLE = """
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f5f6f8}
header{padding:10px 16px;background:#1d2430;color:#fff;display:flex;gap:12px;align-items:baseline}
header h1{font-size:18px;margin:0}
header span{opacity:.75;font-size:13px}
main{display:grid;grid-template-columns:minmax(300px,380px) 1fr;gap:12px;padding:12px;height:calc(100vh - 44px)}
@media (max-width:800px){main{grid-template-columns:1fr;height:auto}#mapbox{height:70vh}}
#side{display:flex;flex-direction:column;gap:8px;overflow:auto}
textarea{width:100%;min-height:160px;font:inherit;padding:8px;border:1px solid #b9c0cc;border-radius:4px}
input[type=text],input[type=password]{width:100%;font:inherit;padding:6px 8px;border:1px solid #b9c0cc;border-radius:4px}
#drop{border:2px dashed #8d96a5;border-radius:6px;padding:14px;text-align:center;background:#fff;cursor:pointer}
#drop.over{background:#e8f0ff;border-color:#2f6fde}
button{font:inherit;padding:7px 12px;border-radius:4px;border:1px solid #2f6fde;background:#2f6fde;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#2f6fde}
button:disabled{opacity:.5;cursor:default}
#status{min-height:1.4em;font-size:14px}
#status.error{color:#b00020}
#downloads{display:flex;flex-wrap:wrap;gap:6px}
#mapbox{background:#fff;border:1px solid #ccd2dc;border-radius:4px;position:relative;min-height:300px}
#map{width:100%;height:100%;border:0;display:block}
#empty{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;color:#6b7482}
#places{list-style:none;margin:0;padding:0}
#places li{background:#fff;border:1px solid #dde2ea;border-radius:4px;padding:6px 8px;margin-bottom:6px}
#places .name{font-weight:600}
#places .meta{color:#6b7482;font-size:13px}
#places blockquote{margin:4px 0 0;padding-left:8px;border-left:3px solid #ccd2dc;font-size:13px}
mark{background:#ffe48a}
#files{font-size:13px;color:#3c4553}
label{font-size:13px;color:#3c4553}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var files = [];
  var last = null;  // {html, geojson, form}

  function setStatus(msg, isError) {
    var s = $("status");
    s.textContent = msg;
    s.className = isError ? "error" : "";
  }
  function headers() {
    var h = {};
    var t = $("token");
    if (t && t.value) { h["Authorization"] = "Bearer " + t.value; }
    return h;
  }
  function showFiles() {
    var list = $("files");
    list.textContent = files.length ? files.length + " file(s): " + files.map(function (f) { return f.name; }).join(", ") : "";
    $("clearfiles").hidden = files.length === 0;
  }
  function addFiles(fileList) {
    for (var i = 0; i < fileList.length; i++) { files.push(fileList[i]); }
    showFiles();
  }
  function buildForm() {
    var fd = new FormData();
    var text = $("text").value;
    var title = $("title").value;
    if (text.trim()) {
      if (title.trim()) {
        fd.append("files", new Blob([JSON.stringify({title: title, text: text})], {type: "application/json"}), "pasted.json");
      } else {
        fd.append("files", new Blob([text], {type: "text/plain"}), "pasted.txt");
      }
    }
    files.forEach(function (f) { fd.append("files", f, f.name); });
    return fd;
  }
  async function errorText(resp) {
    try {
      var j = await resp.json();
      if (j && j.error) { return j.error; }
    } catch (e) { /* not JSON */ }
    return "HTTP " + resp.status;
  }
  function renderPlaces(fc) {
    var ul = $("places");
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      var li = document.createElement("li");
      li.className = "place";
      var name = document.createElement("div");
      name.className = "name";
      name.textContent = p.name;
      li.appendChild(name);
      var meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = (p.mentions || 0) + " mention(s)" + (p.type ? " \u00b7 " + p.type : "") + (p.country ? " \u00b7 " + p.country : "");
      li.appendChild(meta);
      (p.articles || []).forEach(function (a) {
        (a.snippets || []).slice(0, 2).forEach(function (s) {
          var q = document.createElement("blockquote");
          q.className = "snippet";
          var text = s.text || "";
          var pos = 0;
          (s.highlights || []).forEach(function (h) {
            if (h[0] < pos) { return; }
            q.appendChild(document.createTextNode(text.slice(pos, h[0])));
            var m = document.createElement("mark");
            m.textContent = text.slice(h[0], h[1]);
            q.appendChild(m);
            pos = h[1];
          });
          q.appendChild(document.createTextNode(text.slice(pos)));
          li.appendChild(q);
        });
      });
      ul.appendChild(li);
    });
  }
  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }
  async function makeMap() {
    var fd = buildForm();
    if (!$("text").value.trim() && files.length === 0) {
      setStatus("Paste an article or drop files first.", true);
      return;
    }
    $("go").disabled = true;
    setStatus("Reading the articles\u2026", false);
    try {
      var resp = await fetch("map?format=bundle", {method: "POST", body: fd, headers: headers()});
      if (!resp.ok) { setStatus(await errorText(resp), true); return; }
      var data = await resp.json();
      last = {html: data.html, geojson: data.geojson};
      $("empty").hidden = true;
      $("map").srcdoc = data.html;
      renderPlaces(data.geojson);
      var n = (data.geojson.features || []).length;
      setStatus(data.documents + " article(s), " + n + " place(s).", false);
      $("downloads").hidden = false;
    } catch (e) {
      setStatus("The server could not be reached (" + e.message + ").", true);
    } finally {
      $("go").disabled = false;
    }
  }
  async function downloadFigure() {
    setStatus("Drawing the figure\u2026", false);
    try {
      var resp = await fetch("map?format=figure&figure_format=" + $("figfmt").value, {method: "POST", body: buildForm(), headers: headers()});
      if (!resp.ok) { setStatus(await errorText(resp), true); return; }
      download(await resp.blob(), "geo-figure." + $("figfmt").value);
      setStatus("Figure downloaded.", false);
    } catch (e) {
      setStatus("The server could not be reached (" + e.message + ").", true);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var drop = $("drop");
    drop.addEventListener("click", function () { $("fileinput").click(); });
    drop.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("fileinput").click(); }
    });
    drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      addFiles(e.dataTransfer.files);
    });
    $("fileinput").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });
    $("clearfiles").addEventListener("click", function () { files = []; showFiles(); });
    $("go").addEventListener("click", makeMap);
    $("dl-html").addEventListener("click", function () {
      if (last) { download(new Blob([last.html], {type: "text/html"}), "geo-map.html"); }
    });
    $("dl-geojson").addEventListener("click", function () {
      if (last) { download(new Blob([JSON.stringify(last.geojson)], {type: "application/geo+json"}), "geo-places.geojson"); }
    });
    $("dl-figure").addEventListener("click", downloadFigure);
    var t = $("token");
    if (t) {
      t.value = sessionStorage.getItem("geo-token") || "";
      t.addEventListener("change", function () { sessionStorage.setItem("geo-token", t.value); });
    }
  });
})();
"""

_TOKEN_FIELD = """<label for="token">Access token</label>
<input type="password" id="token" autocomplete="off" placeholder="the token given to you">"""


def page_html(*, token_required: bool = False) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>geo: map the places in articles</title>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>geo</h1><span>paste or drop articles, get the map of the places they report &middot; v{__version__}</span></header>
<main>
<section id="side">
{_TOKEN_FIELD if token_required else ""}
<label for="title">Title (optional)</label>
<input type="text" id="title" placeholder="headline of the pasted article">
<label for="text">Article text</label>
<textarea id="text" placeholder="Paste an article here"></textarea>
<div id="drop" role="button" tabindex="0">Drop files here or click to choose<br><small>.txt, .md, .html, .json, .jsonl</small></div>
<input type="file" id="fileinput" multiple accept=".txt,.md,.html,.htm,.json,.jsonl,.ndjson" hidden>
<div><span id="files"></span> <button type="button" id="clearfiles" class="secondary" hidden>clear files</button></div>
<div><button type="button" id="go">Make the map</button></div>
<div id="status" role="status" aria-live="polite"></div>
<div id="downloads" hidden>
<button type="button" class="secondary" id="dl-html">HTML map</button>
<button type="button" class="secondary" id="dl-geojson">GeoJSON</button>
<button type="button" class="secondary" id="dl-figure">Static figure</button>
<select id="figfmt" aria-label="figure format"><option>png</option><option>svg</option><option>pdf</option></select>
</div>
<ul id="places"></ul>
</section>
<section id="mapbox">
<div id="empty">The map appears here.</div>
<iframe id="map" title="map" sandbox="allow-scripts"></iframe>
</section>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""
