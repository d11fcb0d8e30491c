/* geo: the map's parts (markers, shapes, heat map, legend, layers, search, time slider, filters),
 * each drawn by one function called from its folium element, all reading one data object with named
 * keys (see geo/outputs/map/build.py, map_data). Every piece of text from articles is put into the page
 * with textContent or as a DOM text node, never as HTML, so nothing in an article can become markup
 * or script. */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // The interface strings come from the data (geo/lang/<code>/ui.json): S.ui[key], "{name}" filled in;
  // a noun is [singular, plural], the singular for the counts in plural_one.
  function fmt(s, fill) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) { return fill && fill[k] !== undefined ? String(fill[k]) : m; });
  }
  function tr(S, key, fill) { return fmt(S.ui[key], fill); }
  function plural(S, n, key) {
    var forms = S.ui[key];
    return n + " " + (S.ui.plural_one.indexOf(n) >= 0 ? forms[0] : forms[1]);
  }

  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function snippetNode(parts) {
    var li = el("li", "geo-snippet");
    li.dir = "auto";  // right-to-left scripts (Arabic, Hebrew) read the right way
    for (var k = 0; k < parts.length; k++) {
      if (k % 2) { li.appendChild(el("mark", null, parts[k])); }
      else if (parts[k]) { li.appendChild(document.createTextNode(parts[k])); }
    }
    return li;
  }

  function markerSize(mentions, max) {  // px: 14 for one mention, growing with log(mentions) up to 34
    if (max <= 1) { return 16; }
    return Math.round(14 + 20 * Math.log(Math.max(mentions, 1)) / Math.log(max));
  }

  var geo = window.geo = {};

  // -- state ----------------------------------------------------------------------------------------

  geo.start = function (map, D) {
    var S = {
      map: map, data: D, P: D.places, T: D.types, DOCS: D.docs, markers: [], shapes: [], ui: D.ui,
      typeOn: D.types.map(function () { return true; }),
      precisionOn: {},  // precision level -> shown (every level present starts shown)
      docOn: D.docs.map(function () { return true; }),
      sourceOn: (D.sources || []).map(function () { return true; }),
      ready: false,
      timeFrom: null, timeTo: null, focusOnly: false, onRefresh: [], overlays: {}, typeGroups: [],
      docGroups: [], maxMentions: 1
    };
    (D.precisions || []).forEach(function (q) { S.precisionOn[q.key] = true; });
    S.P.forEach(function (p) {  // keys at their default are left out of the data: fill them in
      if (p.mentions === undefined) { p.mentions = 1; }
      if (p.precision === undefined) { p.precision = "exact"; } else if (p.precision === null) { p.precision = "unknown"; }
      for (var j = 0; j < p.docs.length; j++) { if (p.docs[j].mentions === undefined) { p.docs[j].mentions = 1; } }
      if (p.mentions > S.maxMentions) { S.maxMentions = p.mentions; }
    });
    map.getContainer().classList.add("geo-map");
    map._geoState = S;
    // Leaflet's own controls in the page's language (Leaflet options; folium adds them in English)
    L.control.zoom({ position: "topleft", zoomInTitle: tr(S, "zoom_in"), zoomOutTitle: tr(S, "zoom_out") }).addTo(map);
    L.control.scale({ imperial: !!S.ui.scale_imperial }).addTo(map);
    var ac = map.attributionControl;  // the title of Leaflet's own link, in the attribution's prefix option
    if (ac && typeof ac.options.prefix === "string") {
      ac.setPrefix(ac.options.prefix.replace(/title="[^"]*"/, function () {
        return 'title="' + tr(S, "leaflet_title").replace(/[&"<>]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }) + '"';
      }));
    }
    S.obstacles = function () {  // the bottom controls a popup must not open under
      var out = [], c = map.getContainer();
      var lg = boxIn(S.legendBox, c), ts = boxIn(S.timeControl && S.timeControl.getContainer(), c);
      if (lg) { out.push({ box: lg, side: "right", fold: S.foldLegend }); }
      if (ts) { out.push({ box: ts, side: "left" }); }
      var corner = c.querySelector(".leaflet-top.leaflet-left"), tlb = boxIn(corner, c);
      if (tlb && tlb.bottom < c.clientHeight / 2) { out.push({ box: tlb, side: "top" }); }  // not an open filters panel
      return out;
    };
    map.on("resize", function () { geo.layout(S); });
    if (map.options.maxZoom === undefined) { map.options.maxZoom = 18; }  // no tile layer sets one
    S.typeGroups = S.T.map(function (t, k) { var g = L.layerGroup(); g._geoType = k; return g; });
    S.docShown = function (k) {
      var d = S.DOCS[k];
      if (!S.docOn[k]) { return false; }
      if (d.source !== undefined && !S.sourceOn[d.source]) { return false; }
      if (S.timeFrom !== null || S.timeTo !== null) {
        if (d.day === undefined) { return false; }
        if (S.timeFrom !== null && d.day < S.timeFrom) { return false; }
        if (S.timeTo !== null && d.day > S.timeTo) { return false; }
      }
      return true;
    };
    S.docFiltered = function () {
      if (S.timeFrom !== null || S.timeTo !== null) { return true; }
      for (var k = 0; k < S.docOn.length; k++) { if (!S.docOn[k]) { return true; } }
      for (var s = 0; s < S.sourceOn.length; s++) { if (!S.sourceOn[s]) { return true; } }
      return false;
    };
    S.visible = function (i, docsFiltered) {
      var p = S.P[i];
      if (!S.typeOn[p.type]) { return false; }
      if (S.precisionOn[p.precision] === false) { return false; }
      if (S.focusOnly && !p.focus) { return false; }
      if (!docsFiltered) { return true; }
      for (var j = 0; j < p.docs.length; j++) { if (S.docShown(p.docs[j].doc)) { return true; } }
      return false;
    };
    S.shown = null;  // the visibility of every place after the last refresh
    S.refresh = function () {
      if (!S.ready) { return; }  // the first refresh (geo.view) adds the markers
      var f = S.docFiltered(), vis = new Array(S.P.length), changed = S.shown === null;
      for (var i = 0; i < S.P.length; i++) {
        vis[i] = S.visible(i, f);
        if (!changed && vis[i] !== S.shown[i]) { changed = true; }
      }
      if (!changed) { return; }
      S.shown = vis;
      if (S.cluster) {
        var list = [];
        for (var k = 0; k < vis.length; k++) { if (vis[k]) { list.push(S.markers[k]); } }
        S.cluster.clearLayers();
        S.cluster.addLayers(list);
      }
      S.shapes.forEach(function (s) {
        var g = S.typeGroups[S.P[s._geoIdx].type];
        if (vis[s._geoIdx]) { g.addLayer(s); } else { g.removeLayer(s); }
      });
      S.onRefresh.forEach(function (fn) { fn(vis); });
    };
    return S;
  };

  // -- basemap --------------------------------------------------------------------------------------

  geo.basemap = function (S, fc) {
    var map = S.map;
    map.createPane("geoBasemap");
    map.getPane("geoBasemap").style.zIndex = 150;
    map.getPane("geoBasemap").style.pointerEvents = "none";
    if (fc) {
      if (map.attributionControl) { map.attributionControl.addAttribution(tr(S, "basemap_credit")); }
      L.geoJSON(fc, {
        pane: "geoBasemap", interactive: false,
        renderer: L.svg({ pane: "geoBasemap" }),
        style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
    }
  };

  // -- popups and tooltips ----------------------------------------------------------------------------

  function subtitle(S, p) {
    return [S.T[p.type].name].concat(p.sub ? [p.sub] : []).join(" \u00b7 ");
  }

  function tooltip(S, i) {
    var p = S.P[i], box = el("div", "geo-tip");
    box.appendChild(el("b", null, p.name));
    box.appendChild(document.createTextNode(" \u2014 " + plural(S, p.mentions, "mention")));
    if (p.precision !== "exact" && S.data.precisions && S.data.precisions.length) {  // a point less precise than the place
      box.appendChild(el("div", "geo-tip-precision", tr(S, "precision_line", { precision: tr(S, "precision_" + p.precision) })));
    }
    return box;
  }

  function confidence(S, p) {
    var box = el("div", "geo-confidence");
    box.appendChild(el("span", "geo-score", tr(S, "confidence", { score: Number(p.score).toFixed(2) })));
    var alts = p.alts || [];
    if (!alts.length) { return box; }
    var btn = el("button", "geo-alts-button", tr(S, "other_candidates", { n: alts.length }));
    btn.type = "button";
    var list = el("ul", "geo-alts");
    list.hidden = true;
    alts.forEach(function (a) {
      var li = el("li");
      li.appendChild(el("b", null, a.name));
      var bits = [];
      if (a.sub) { bits.push(a.sub); }
      if (a.km !== undefined && a.km !== null) { bits.push(tr(S, "km_away", { km: a.km })); }
      bits.push(tr(S, "score", { score: Number(a.score).toFixed(2) }));
      li.appendChild(document.createTextNode(" \u2014 " + bits.join(" \u00b7 ")));
      list.appendChild(li);
    });
    btn.addEventListener("click", function (e) {
      e.stopPropagation();
      list.hidden = !list.hidden;
      btn.setAttribute("aria-expanded", String(!list.hidden));
    });
    btn.setAttribute("aria-expanded", "false");
    box.appendChild(document.createTextNode(" "));
    box.appendChild(btn);
    box.appendChild(list);
    return box;
  }

  function popup(S, i) {
    var p = S.P[i], box = el("div", "geo-popup");
    box.appendChild(el("div", "geo-name", p.name));
    var ndocs = p.docs.length + (p.moreDocs || 0);
    box.appendChild(el("div", "geo-sub", subtitle(S, p) + " \u00b7 " + tr(S, "mentions_in",
      { mentions: plural(S, p.mentions, "mention"), articles: plural(S, ndocs, "article") })));
    if (S.data.precisions && S.data.precisions.length) {
      box.appendChild(el("div", "geo-sub geo-precision", tr(S, "precision_line", { precision: tr(S, "precision_" + p.precision) })));
    }
    if (p.focus) { box.appendChild(el("div", "geo-sub geo-focus-note", tr(S, "focus_of", { articles: plural(S, p.focus, "article") }))); }
    if (p.aka && p.aka.length) { box.appendChild(el("div", "geo-sub", tr(S, "mentioned_as", { names: p.aka.join(", ") }))); }
    if (p.score !== undefined) { box.appendChild(confidence(S, p)); }
    var f = S.docFiltered(), hidden = 0;
    for (var j = 0; j < p.docs.length; j++) {
      var dm = p.docs[j], doc = S.DOCS[dm.doc];
      if (f && !S.docShown(dm.doc)) { hidden++; continue; }
      var art = el("div", "geo-article");
      var head = el("div", "geo-title");
      head.dir = "auto";
      if (doc.url) {
        var a = el("a", null, doc.title || doc.file || tr(S, "untitled"));
        a.href = doc.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        head.appendChild(a);
      } else {
        head.textContent = doc.title || doc.file || tr(S, "untitled");
      }
      art.appendChild(head);
      var meta = [];
      if (doc.file) { meta.push(doc.file); }
      if (doc.date) { meta.push(doc.date); }
      meta.push(plural(S, dm.mentions, "mention"));
      art.appendChild(el("div", "geo-meta", meta.join(" \u00b7 ")));
      if (dm.snippets.length) {
        var ul = el("ul", "geo-snippets");
        for (var k = 0; k < dm.snippets.length; k++) { ul.appendChild(snippetNode(dm.snippets[k])); }
        art.appendChild(ul);
      }
      if (dm.more) { art.appendChild(el("div", "geo-more", "+ " + plural(S, dm.more, "more_snippet"))); }
      box.appendChild(art);
    }
    if (hidden) { box.appendChild(el("div", "geo-more", tr(S, "hidden_by_filters", { articles: plural(S, hidden, "article") }))); }
    if (p.moreDocs) { box.appendChild(el("div", "geo-more", "+ " + plural(S, p.moreDocs, "more_article"))); }
    return box;
  }

  var popupOptions = { maxWidth: 380, minWidth: 220, maxHeight: 320, autoPanPadding: [20, 20] };

  // -- layout: popups, legend and time slider keep clear of each other on any screen -------------------

  function boxIn(elem, container) {  // elem's box in the map container's pixels, or null when not shown
    if (!elem || !elem.offsetParent) { return null; }
    var r = elem.getBoundingClientRect(), c = container.getBoundingClientRect();
    if (!r.width || !r.height) { return null; }
    return { left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top };
  }

  function overlaps(a, b, gap) {
    return a && b && a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
  }

  // A popup that opens clear of the controls (the legend, the time slider, the buttons at the top
  // left): Leaflet's auto-pan keeps a popup inside the map; this one also keeps it off a control it
  // would open under, by panning the map (up, down or sideways, where it fits), and folds an open
  // legend that leaves no room.
  var GeoPopup = L.Popup.extend({
    onAdd: function (map) {  // never wider than the screen (a phone is 360-400 px wide)
      this.options.maxWidth = Math.max(160, Math.min(popupOptions.maxWidth, map.getSize().x - 100));  // + ~45 px frame
      this.options.minWidth = Math.min(popupOptions.minWidth, this.options.maxWidth);
      return L.Popup.prototype.onAdd.call(this, map);
    },
    _adjustPan: function () {
      var map = this._map, S = map && map._geoState;
      if (!S || !this.options.autoPan || !this._container) { return L.Popup.prototype._adjustPan.call(this); }
      var gap = 8, size = map.getSize(), w = this._containerWidth;  // where Leaflet's own _adjustPan finds it
      var h = this._container.offsetHeight + (parseInt(L.DomUtil.getStyle(this._container, "marginBottom"), 10) || 0);
      var pos = map.layerPointToContainerPoint(
        L.point(this._containerLeft, -h - this._containerBottom)._add(L.DomUtil.getPosition(this._container)));
      var box = { left: pos.x, top: pos.y, right: pos.x + w, bottom: pos.y + h };
      var base = L.point(this.options.autoPanPadding), tl = base.clone(), br = base.clone();
      S.obstacles().forEach(function (o) {
        var r = o.box;
        if (!overlaps(box, r, gap)) { return; }
        if (o.side === "top") {  // the zoom / search / filters buttons: the popup opens below them (or beside)
          if (r.bottom + gap + h + base.y <= size.y) { tl.y = Math.max(tl.y, r.bottom + gap); }
          else if (r.right + gap + w + base.x <= size.x) { tl.x = Math.max(tl.x, r.right + gap); }
          return;
        }
        if (h + 2 * gap + base.y <= r.top) {  // room above the control: the popup's bottom goes above it
          br.y = Math.max(br.y, size.y - r.top + gap);
        } else if (o.side === "right" && w + base.x + gap <= r.left) {
          br.x = Math.max(br.x, size.x - r.left + gap);
        } else if (o.side === "left" && w + base.x + gap <= size.x - r.right) {
          tl.x = Math.max(tl.x, r.right + gap);
        } else if (o.fold) {
          o.fold();
        }
      });
      var saved = [this.options.autoPanPaddingTopLeft, this.options.autoPanPaddingBottomRight];
      this.options.autoPanPaddingTopLeft = tl; this.options.autoPanPaddingBottomRight = br;
      try { return L.Popup.prototype._adjustPan.call(this); }
      finally { this.options.autoPanPaddingTopLeft = saved[0]; this.options.autoPanPaddingBottomRight = saved[1]; }
    }
  });

  function bindGeoPopup(layer, content) {
    return layer.bindPopup(new GeoPopup(popupOptions).setContent(content));
  }

  geo.layout = function (S) {  // a legend that would cover the time slider sits above it instead
    var legend = S.legendBox, slider = S.timeControl && S.timeControl.getContainer();
    if (!legend) { return; }
    legend.style.marginBottom = "";
    var container = S.map.getContainer(), a = boxIn(legend, container), b = boxIn(slider, container);
    if (overlaps(a, b, 4)) {  // raise it by how far its bottom reaches below the slider's top
      var margin = parseFloat(window.getComputedStyle(legend).marginBottom) || 0;
      legend.style.marginBottom = Math.ceil(margin + a.bottom - b.top + 6) + "px";
    }
  };

  // -- markers --------------------------------------------------------------------------------------

  geo.markers = function (S) {
    var P = S.P, T = S.T, icons = {};
    function icon(p, size) {  // icons are shared per (type, size, focus)
      var key = p.type + ":" + size + ":" + (p.focus ? 1 : 0);
      if (!icons[key]) {
        icons[key] = L.divIcon({
          className: "geo-mk geo-" + T[p.type].key + (p.focus ? " geo-focus" : ""),
          iconSize: [size, size], html: "<i></i>"
        });
      }
      return icons[key];
    }
    function tipFn(layer) { return tooltip(S, layer._geoIdx); }
    function popFn(layer) { return popup(S, layer._geoIdx); }
    S.tipFn = tipFn; S.popFn = popFn;
    function labelIcon() {  // name the marker for screen readers (and tests), as an attribute value
      var e = this.getElement();
      if (e) { e.setAttribute("aria-label", P[this._geoIdx].name); e.setAttribute("data-place", String(this._geoIdx)); }
    }
    function clusterIcon(c) {  // counts of mentions and of distinct articles under the cluster
      var ms = c.getAllChildMarkers(), mentions = 0, arts = {}, n = 0;
      for (var k = 0; k < ms.length; k++) {
        var p = P[ms[k]._geoIdx];
        mentions += p.mentions;
        for (var j = 0; j < p.docs.length; j++) {
          if (!arts[p.docs[j].doc]) { arts[p.docs[j].doc] = 1; n++; }
        }
      }
      var size = ms.length < 10 ? "small" : ms.length < 100 ? "medium" : "large";
      var box = document.createElement("div"), span = document.createElement("span");
      span.appendChild(document.createTextNode(String(mentions)));
      span.appendChild(el("small", null, tr(S, "cluster_articles", { n: n })));
      box.appendChild(span);
      var ic = L.divIcon({ html: box.outerHTML, className: "marker-cluster marker-cluster-" + size + " geo-cluster",
                           iconSize: new L.Point(44, 44) });
      ic._geoTitle = tr(S, "cluster_title", { n: ms.length, mentions: plural(S, mentions, "mention"), articles: plural(S, n, "article") });
      return ic;
    }
    var cluster = L.markerClusterGroup({
      chunkedLoading: true, chunkInterval: 1000, showCoverageOnHover: false, maxClusterRadius: 45,
      iconCreateFunction: clusterIcon
    });
    cluster.on("clustermouseover", function (e) {
      var ic = e.layer.options.icon, elx = e.layer.getElement && e.layer.getElement();
      if (elx && ic && ic._geoTitle) { elx.title = ic._geoTitle; }
    });
    var markers = new Array(P.length);
    for (var i = 0; i < P.length; i++) {
      var p = P[i];
      var m = L.marker([p.lat, p.lon], {
        icon: icon(p, markerSize(p.mentions, S.maxMentions)), searchLabel: p.label || p.name, alt: p.name,
        riseOnHover: true, zIndexOffset: p.focus ? 500 : 0
      });
      m._geoIdx = i;
      m.on("add", labelIcon);
      markers[i] = m;
    }
    // Tooltips and popups are bound when a marker is first hovered, clicked (or reached by keyboard
    // or search), not for all markers up front: tens of thousands of places stay quick to open.
    function bind(m) {
      if (!m._geoBound) {
        m._geoBound = true;
        m.bindTooltip(tipFn, { direction: "top", offset: [0, -markerSize(P[m._geoIdx].mentions, S.maxMentions) / 2] });
        bindGeoPopup(m, popFn);
      }
      return m;
    }
    cluster.on("mouseover", function (e) {
      if (!e.layer._geoBound) { bind(e.layer).openTooltip(); }
    });
    cluster.on("click", function (e) {  // once bound, Leaflet's own handlers toggle the popup
      if (!e.layer._geoBound) { bind(e.layer).openPopup(); }
    });
    cluster.on("keypress", function (e) {  // Enter on a focused marker (keyboard users)
      if (!e.layer._geoBound && e.originalEvent.keyCode === 13) { bind(e.layer).openPopup(); }
    });
    S.map.addLayer(cluster);
    S.cluster = cluster; S.markers = markers; S.bind = bind;
  };

  // -- shapes ---------------------------------------------------------------------------------------

  geo.shapes = function (S) {
    var kinds = {};
    (S.data.kinds || []).forEach(function (k) { kinds[k.key] = k; });
    (S.data.shapes || []).forEach(function (s) {
      var t = S.P[s.place].type, kind = kinds[s.kind];
      var st = kind && kind.style ? kind.style : S.T[t].shape;
      var hover = kind && kind.hover ? kind.hover : S.T[t].hover;
      var layer = L.geoJSON(s.geometry, { style: function () { return st; } });
      layer._geoIdx = s.place;
      layer._geoKind = s.kind;
      layer.eachLayer(function (part) { part._geoIdx = s.place; });  // popups/tooltips get the part hovered
      layer.bindTooltip(S.tipFn || function (l) { return tooltip(S, l._geoIdx); }, { sticky: true });
      bindGeoPopup(layer, S.popFn || function (l) { return popup(S, l._geoIdx); });
      layer.on("mouseover", function () { layer.setStyle(hover); layer.bringToFront(); });
      layer.on("mouseout", function () { layer.setStyle(st); });
      S.shapes.push(layer);
      S.typeGroups[t].addLayer(layer);
    });
  };

  // -- heat map -------------------------------------------------------------------------------------

  geo.heat = function (S) {
    if (!L.heatLayer || !S.P.length) { return; }
    function points(vis) {
      var out = [];
      for (var i = 0; i < S.P.length; i++) {
        if (!vis || vis[i]) { out.push([S.P[i].lat, S.P[i].lon, S.P[i].mentions]); }
      }
      return out;
    }
    var heat = L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.3, max: Math.max(1, S.maxMentions / 2) });
    var pending = true;
    heat.on("add", function () { if (pending) { pending = false; heat.setLatLngs(points(S.shown)); } });
    S.onRefresh.push(function (vis) {
      if (heat._map) { heat.setLatLngs(points(vis)); } else { pending = true; }
    });
    S.heat = heat;
    S.overlays[S.data.heatLabel] = heat;
  };

  // -- layer control --------------------------------------------------------------------------------

  geo.layers = function (S, baseLayers) {
    var map = S.map, D = S.data, overlays = {};
    S.T.forEach(function (t, k) { overlays[t.label] = S.typeGroups[k]; S.typeGroups[k].addTo(map); });
    if (D.docLayers) {
      S.DOCS.forEach(function (d, k) {
        var g = L.layerGroup(); g._geoDoc = k; S.docGroups.push(g); g.addTo(map); overlays[d.label] = g;
      });
    }
    Object.keys(S.overlays).forEach(function (k) { overlays[k] = S.overlays[k]; });
    function toggled(e, on) {
      if (e.layer._geoType !== undefined) { S.typeOn[e.layer._geoType] = on; S.refresh(); }
      else if (e.layer._geoDoc !== undefined) { S.docOn[e.layer._geoDoc] = on; S.refresh(); }
    }
    map.on("overlayadd", function (e) { toggled(e, true); });
    map.on("overlayremove", function (e) { toggled(e, false); });
    var bases = {};
    (baseLayers || []).forEach(function (b) { bases[b[0]] = b[1]; });
    if (baseLayers && baseLayers.length) { bases[D.offlineLabel] = L.layerGroup(); }
    S.layerControl = L.control.layers(bases, overlays, { collapsed: S.DOCS.length > 3 || S.T.length > 4 || map.getSize().x < NARROW }).addTo(map);
    // the collapsed control's button: Leaflet writes its title in English and has no option for it
    var toggle = S.layerControl.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle) { toggle.title = tr(S, "layers"); }
  };

  // -- search ---------------------------------------------------------------------------------------

  geo.search = function (S) {
    if (!L.Control.Search || !S.P.length) { return; }
    S.map.addControl(new L.Control.Search({
      layer: S.cluster, propertyName: "searchLabel", initial: false, marker: false,
      textPlaceholder: tr(S, "search_placeholder"), textErr: tr(S, "search_none"), textCancel: tr(S, "search_cancel"),
      buildTip: function (text) { return el("li", null, text); },
      moveToLocation: function (latlng, title, m) {
        var mk = latlng.layer;
        if (mk && S.cluster.hasLayer(mk)) { S.cluster.zoomToShowLayer(mk, function () { S.bind(mk).openPopup(); }); }
        else { m.setView(latlng, 8); }
      }
    }));
  };

  // -- time -----------------------------------------------------------------------------------------

  // A "timeline" for leaflet.timeline's slider control: the distinct article days; moving the slider
  // shows the places of the articles dated up to the chosen day.
  geo.timeSlider = function (S) {
    var days = [];
    S.DOCS.forEach(function (d) { if (d.day !== undefined && days.indexOf(d.day) < 0) { days.push(d.day); } });
    days.sort(function (a, b) { return a - b; });
    if (!days.length || !L.timelineSliderControl) { return; }
    var last = days[days.length - 1];
    var timeline = {
      times: days, start: days[0], end: last,
      setTime: function (t) {
        var to = t >= last ? null : t;
        if (to !== S.timeTo) { S.timeTo = to; S.refresh(); }
      }
    };
    var nsteps = Math.max(1, Math.min(1000, Math.round((last - days[0]) / 864e5)));
    var ctl = L.timelineSliderControl({
      formatOutput: function (t) { return tr(S, "up_to", { day: day(t) }); },  // a number made a date: no article text
      enableKeyboardControls: false, position: "bottomleft", showTicks: days.length <= 200,
      steps: nsteps, duration: Math.min(10000, 500 * nsteps)  // play: half a second per day, 10 s at most
    });
    ctl.addTo(S.map);
    ctl.addTimelines(timeline);
    ctl.setTime(last);
    ctl.getContainer().classList.add("geo-time");
    S.timeControl = ctl; S.days = days;
    S.setTimeTo = function (t) { ctl.setTime(t); };
  };

  // -- filters panel --------------------------------------------------------------------------------

  geo.filters = function (S) {
    var D = S.data, ctl = L.control({ position: "topleft" });
    function checkbox(label, on, change) {
      var row = el("label", "geo-filter-row"), box = el("input");
      box.type = "checkbox"; box.checked = on;
      box.addEventListener("change", function () { change(box.checked); });
      row.appendChild(box);
      row.appendChild(document.createTextNode(" " + label));
      return row;
    }
    function section(parent, title) {
      var s = el("fieldset", "geo-filter-section");
      s.appendChild(el("legend", null, title));
      parent.appendChild(s);
      return s;
    }
    function build(body) {
      var types = section(body, tr(S, "filter_types"));
      S.T.forEach(function (t, k) {
        types.appendChild(checkbox(t.text + " (" + t.count + ")", S.typeOn[k], function (on) {
          if (S.layerControl) {  // through the layer control's overlays, which stay in step
            if (on) { S.map.addLayer(S.typeGroups[k]); } else { S.map.removeLayer(S.typeGroups[k]); }
          } else { S.typeOn[k] = on; S.refresh(); }
        }));
      });
      if (S.P.some(function (p) { return p.focus; })) {
        types.appendChild(checkbox(tr(S, "filter_focus"), S.focusOnly, function (on) {
          S.focusOnly = on; S.refresh();
        }));
      }
      if ((D.precisions || []).length) {  // how precisely each point places what the text names
        var prec = section(body, tr(S, "precision_title"));
        prec.classList.add("geo-filter-precision");
        D.precisions.forEach(function (q) {
          var row = checkbox(q.text + " (" + q.count + ")", S.precisionOn[q.key], function (on) {
            S.precisionOn[q.key] = on; S.refresh();
          });
          row.setAttribute("data-precision", q.key);
          prec.appendChild(row);
        });
      }
      if ((D.sources || []).length > 1) {
        var src = section(body, tr(S, "filter_sources"));
        D.sources.forEach(function (name, k) {
          src.appendChild(checkbox(name, S.sourceOn[k], function (on) { S.sourceOn[k] = on; S.refresh(); }));
        });
      }
      if (S.days && S.days.length > 1) {
        var dates = section(body, tr(S, "filter_dates"));
        var sel = el("select", "geo-filter-from");
        sel.appendChild(el("option", null, tr(S, "filter_first"))).value = "";
        S.days.forEach(function (d) { sel.appendChild(el("option", null, day(d))).value = String(d); });
        sel.addEventListener("change", function () {
          S.timeFrom = sel.value ? Number(sel.value) : null; S.refresh();
        });
        dates.appendChild(sel);
      }
      var arts = section(body, tr(S, "filter_articles", { n: S.DOCS.length }));
      var find = el("input", "geo-filter-find");
      find.type = "search"; find.placeholder = tr(S, "filter_find");
      var allRow = el("div", "geo-filter-all");
      var all = el("button", null, tr(S, "filter_all")), none = el("button", null, tr(S, "filter_none"));
      all.type = none.type = "button";
      allRow.appendChild(all); allRow.appendChild(none);
      var list = el("div", "geo-filter-list");
      arts.appendChild(find); arts.appendChild(allRow); arts.appendChild(list);
      var LIMIT = 200;
      function setDoc(k, on) {
        if (S.docGroups[k]) {
          if (on) { S.map.addLayer(S.docGroups[k]); } else { S.map.removeLayer(S.docGroups[k]); }
        } else { S.docOn[k] = on; S.refresh(); }
      }
      function fill() {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        var q = find.value.toLowerCase(), shown = 0, matches = 0;
        S.DOCS.forEach(function (d, k) {
          var name = d.title || d.file || tr(S, "untitled");
          if (q && name.toLowerCase().indexOf(q) < 0 && (d.file || "").toLowerCase().indexOf(q) < 0) { return; }
          matches++;
          if (shown >= LIMIT) { return; }
          shown++;
          var row = checkbox(name + (d.date ? " \u00b7 " + d.date : ""), S.docOn[k], function (on) { setDoc(k, on); });
          row.dir = "auto";
          row.setAttribute("data-doc", String(k));
          list.appendChild(row);
        });
        if (matches > shown) { list.appendChild(el("div", "geo-more", tr(S, "filter_more", { n: matches - shown }))); }
      }
      function setAll(on) {
        var q = find.value.toLowerCase();
        S.DOCS.forEach(function (d, k) {
          var name = (d.title || d.file || tr(S, "untitled")).toLowerCase();
          if (q && name.indexOf(q) < 0 && (d.file || "").toLowerCase().indexOf(q) < 0) { return; }
          if (S.docGroups[k]) { setDoc(k, on); } else { S.docOn[k] = on; }
        });
        S.refresh(); fill();
      }
      all.addEventListener("click", function () { setAll(true); });
      none.addEventListener("click", function () { setAll(false); });
      find.addEventListener("input", fill);
      fill();
    }
    ctl.onAdd = function () {
      var box = el("div", "geo-filters leaflet-bar");
      var toggle = el("button", "geo-filters-toggle", tr(S, "filters"));
      toggle.type = "button"; toggle.setAttribute("aria-expanded", "false");
      var body = el("div", "geo-filters-body");
      body.hidden = true;
      var built = false;
      toggle.addEventListener("click", function () {
        if (!built) { build(body); built = true; }  // built when first opened: big maps stay quick to paint
        body.hidden = !body.hidden;
        toggle.setAttribute("aria-expanded", String(!body.hidden));
      });
      box.appendChild(toggle); box.appendChild(body);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    ctl.addTo(S.map);
    // keep the panel's checkboxes in step with the layer control
    S.map.on("overlayadd overlayremove", function (e) {
      var k = e.layer._geoDoc;
      if (k === undefined) { return; }
      var box = document.querySelector(".geo-filter-list [data-doc='" + k + "'] input");
      if (box) { box.checked = e.type === "overlayadd"; }
    });
  };

  // -- legend, title, view ----------------------------------------------------------------------------

  //: Maps narrower than this (phones) start with the legend folded: its button only.
  var NARROW = 600;

  geo.legend = function (S) {
    var D = S.data, legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var outer = el("div", "geo-legend leaflet-bar");
      var toggle = el("button", "geo-legend-toggle", tr(S, "legend"));
      toggle.type = "button";
      var box = el("div", "geo-legend-body");
      box.appendChild(el("div", "geo-legend-title", tr(S, "legend_places")));
      S.T.forEach(function (t) {
        var row = el("div", "geo-legend-row");
        var sw = el("span", "geo-mk geo-" + t.key);
        sw.appendChild(el("i"));
        row.appendChild(sw);
        row.appendChild(document.createTextNode(t.text + " (" + t.count + ")"));
        box.appendChild(row);
      });
      if (S.P.some(function (p) { return p.focus; })) {
        var fr = el("div", "geo-legend-row");
        var fs = el("span", "geo-mk geo-city geo-focus");
        fs.appendChild(el("i"));
        fr.appendChild(fs);
        fr.appendChild(document.createTextNode(tr(S, "legend_focus")));
        box.appendChild(fr);
      }
      (D.kinds || []).forEach(function (k) {
        var row = el("div", "geo-legend-row");
        var sw = el("span", "geo-legend-shape geo-legend-" + k.key);
        if (k.style) {
          sw.style.borderColor = k.style.color;
          if (k.style.fillColor) { sw.style.background = k.style.fillColor; }
        }
        row.appendChild(sw);
        row.appendChild(document.createTextNode(k.text));
        box.appendChild(row);
      });
      box.appendChild(el("div", "geo-legend-note", tr(S, "legend_note")));
      function setOpen(open) {
        box.hidden = !open;
        outer.classList.toggle("geo-legend-folded", !open);
        toggle.setAttribute("aria-expanded", String(open));
        toggle.title = open ? tr(S, "legend_hide") : tr(S, "legend_show");
        geo.layout(S);
      }
      toggle.addEventListener("click", function () { setOpen(box.hidden); });
      S.foldLegend = function () { if (!box.hidden) { setOpen(false); } };
      outer.appendChild(toggle); outer.appendChild(box);
      L.DomEvent.disableClickPropagation(outer);
      L.DomEvent.disableScrollPropagation(outer);
      S.legendBox = outer;
      S.setLegendOpen = setOpen;
      box.hidden = S.map.getSize().x < NARROW;  // phones: folded at first
      outer.classList.toggle("geo-legend-folded", box.hidden);
      toggle.setAttribute("aria-expanded", String(!box.hidden));
      return outer;
    };
    legend.addTo(S.map);
  };

  geo.title = function (S) {
    if (!S.data.title) { return; }
    var titleCtl = L.control({ position: "topright" });
    titleCtl.onAdd = function () { return el("div", "geo-title-box leaflet-bar", S.data.title); };
    titleCtl.addTo(S.map);
  };

  geo.view = function (S) {
    var D = S.data, b = D.focusBounds || D.bounds;
    if (b) { S.map.fitBounds(b, { padding: [30, 30], maxZoom: 9, animate: false }); }
    S.ready = true;
    geo.layout(S);
    S.refresh();  // adds the markers (all, unless a filter starts narrowed)
    S.open = function (i) {  // show place i (zooming into its cluster) with its popup open
      return new Promise(function (resolve) {
        var mk = S.bind(S.markers[i]);
        if (!S.cluster.hasLayer(mk)) { resolve(null); return; }  // hidden by a filter
        S.cluster.zoomToShowLayer(mk, function () { mk.openPopup(); resolve(i); });
      });
    };
    window.geoMapState = S;
    return S;
  };
})();
