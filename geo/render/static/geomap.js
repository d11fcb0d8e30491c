/* geo: builds the map's markers, popups, shapes, legend, layers and search from one data object.
 * Every piece of text from articles is put into the page with textContent or as a DOM text
 * node, never as HTML, so nothing in an article can become markup or script. */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function snippetNode(parts) {
    var li = el("li", "geo-snippet");
    li.dir = "auto";  // right-to-left scripts (Arabic, Hebrew) read the right way
    for (var k = 0; k < parts.length; k++) {
      if (k % 2) { li.appendChild(el("mark", null, parts[k])); }
      else if (parts[k]) { li.appendChild(document.createTextNode(parts[k])); }
    }
    return li;
  }

  window.geoMap = function (map, D, baseLayers) {
    var P = D.places, T = D.types, DOCS = D.docs;
    map.getContainer().classList.add("geo-map");
    if (map.options.maxZoom === undefined) { map.options.maxZoom = 18; }  // no tile layer sets one

    // Offline basemap: country shapes in a pane below the tiles, always there.
    map.createPane("geoBasemap");
    map.getPane("geoBasemap").style.zIndex = 150;
    map.getPane("geoBasemap").style.pointerEvents = "none";
    if (D.basemap) {
      if (map.attributionControl) { map.attributionControl.addAttribution("Offline basemap: Natural Earth"); }
      L.geoJSON(D.basemap, {
        pane: "geoBasemap", interactive: false,
        renderer: L.svg({ pane: "geoBasemap" }),
        style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
    }

    function subtitle(i) {
      var p = P[i];
      return [T[p[2]].name].concat(p[6] ? [p[6]] : []).join(" \u00b7 ");
    }

    function tooltip(i) {
      var p = P[i], box = el("div", "geo-tip");
      box.appendChild(el("b", null, p[4]));
      box.appendChild(document.createTextNode(" \u2014 " + plural(p[3], "mention")));
      return box;
    }

    function popup(i) {
      var p = P[i], box = el("div", "geo-popup");
      box.appendChild(el("div", "geo-name", p[4]));
      var ndocs = p[7].length + p[8];
      box.appendChild(el("div", "geo-sub", subtitle(i) + " \u00b7 " + plural(p[3], "mention") +
        " in " + plural(ndocs, "article")));
      if (p[10] && p[10].length) { box.appendChild(el("div", "geo-sub", "Mentioned as: " + p[10].join(", "))); }
      for (var j = 0; j < p[7].length; j++) {
        var dm = p[7][j], doc = DOCS[dm[0]], art = el("div", "geo-article");
        var head = el("div", "geo-title");
        head.dir = "auto";
        if (doc.u) {
          var a = el("a", null, doc.t || doc.f || "(untitled)");
          a.href = doc.u; a.target = "_blank"; a.rel = "noopener noreferrer";
          head.appendChild(a);
        } else {
          head.textContent = doc.t || doc.f || "(untitled)";
        }
        art.appendChild(head);
        var meta = [];
        if (doc.f) { meta.push(doc.f); }
        if (doc.d) { meta.push(doc.d); }
        meta.push(plural(dm[1], "mention"));
        art.appendChild(el("div", "geo-meta", meta.join(" \u00b7 ")));
        if (dm[2].length) {
          var ul = el("ul", "geo-snippets");
          for (var k = 0; k < dm[2].length; k++) { ul.appendChild(snippetNode(dm[2][k])); }
          art.appendChild(ul);
        }
        if (dm[3]) { art.appendChild(el("div", "geo-more", "+ " + plural(dm[3], "more snippet"))); }
        box.appendChild(art);
      }
      if (p[8]) { box.appendChild(el("div", "geo-more", "+ " + plural(p[8], "more article"))); }
      return box;
    }

    // One marker per place; icons are shared per (type, size); popups are built when opened.
    var icons = {};
    function icon(t, size) {
      var key = t + ":" + size;
      if (!icons[key]) {
        icons[key] = L.divIcon({ className: "geo-mk geo-" + T[t].key, iconSize: [size, size], html: "<i></i>" });
      }
      return icons[key];
    }
    function tipFn(layer) { return tooltip(layer._geoIdx); }
    function labelIcon() {  // name the marker for screen readers (and tests), as an attribute value
      var e = this.getElement();
      if (e) { e.setAttribute("aria-label", P[this._geoIdx][4]); e.setAttribute("data-place", String(this._geoIdx)); }
    }
    function popFn(layer) { return popup(layer._geoIdx); }
    var popupOptions = { maxWidth: 380, minWidth: 220, maxHeight: 320, autoPanPadding: [20, 20] };

    var cluster = L.markerClusterGroup({
      chunkedLoading: true, chunkInterval: 1000, showCoverageOnHover: false, maxClusterRadius: 45
    });
    var markers = new Array(P.length);
    for (var i = 0; i < P.length; i++) {
      var p = P[i];
      var m = L.marker([p[0], p[1]], { icon: icon(p[2], p[9]), searchLabel: p[5] || p[4], alt: p[4], riseOnHover: true });
      m._geoIdx = i;
      m.on("add", labelIcon);
      markers[i] = m;
    }
    // Tooltips and popups are bound when a marker is first hovered, clicked (or reached by keyboard
    // or search), not for all markers up front: tens of thousands of places stay quick to open.
    function bind(m) {
      if (!m._geoBound) {
        m._geoBound = true;
        m.bindTooltip(tipFn, { direction: "top", offset: [0, -P[m._geoIdx][9] / 2] });
        m.bindPopup(popFn, popupOptions);
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
    map.addLayer(cluster);

    // Shapes from the gazetteer: rivers as lines, provinces/countries as outlines.
    var typeGroups = T.map(function (t, k) { var g = L.layerGroup(); g._geoType = k; return g; });
    var shapes = [];
    (D.shapes || []).forEach(function (s) {
      var t = P[s.p][2], st = T[t].shape;
      var layer = L.geoJSON(s.g, { style: function () { return st; } });
      layer._geoIdx = s.p;
      layer.eachLayer(function (part) { part._geoIdx = s.p; });  // popups/tooltips get the part hovered
      layer.bindTooltip(tipFn, { sticky: true });
      layer.bindPopup(popFn, popupOptions);
      layer.on("mouseover", function () { layer.setStyle(T[t].hover); layer.bringToFront(); });
      layer.on("mouseout", function () { layer.setStyle(st); });
      shapes.push(layer);
      typeGroups[t].addLayer(layer);
    });

    // Layer control: one overlay per feature type and, for few documents, per document.
    var typeOn = T.map(function () { return true; });
    var docOn = DOCS.map(function () { return true; });
    var docGroups = [];
    var overlays = {};
    T.forEach(function (t, k) { overlays[t.label] = typeGroups[k]; typeGroups[k].addTo(map); });
    if (D.docLayers) {
      DOCS.forEach(function (d, k) {
        var g = L.layerGroup(); g._geoDoc = k; docGroups.push(g); g.addTo(map); overlays[d.l] = g;
      });
    }
    function visible(i) {
      var p = P[i];
      if (!typeOn[p[2]]) { return false; }
      if (!D.docLayers) { return true; }
      for (var j = 0; j < p[7].length; j++) { if (docOn[p[7][j][0]]) { return true; } }
      return false;
    }
    function refresh() {
      var vis = [];
      for (var i = 0; i < P.length; i++) { if (visible(i)) { vis.push(markers[i]); } }
      cluster.clearLayers();
      cluster.addLayers(vis);
      shapes.forEach(function (s) {
        var g = typeGroups[P[s._geoIdx][2]];
        if (visible(s._geoIdx)) { g.addLayer(s); } else { g.removeLayer(s); }
      });
    }
    function toggled(e, on) {
      if (e.layer._geoType !== undefined) { typeOn[e.layer._geoType] = on; refresh(); }
      else if (e.layer._geoDoc !== undefined) { docOn[e.layer._geoDoc] = on; refresh(); }
    }
    map.on("overlayadd", function (e) { toggled(e, true); });
    map.on("overlayremove", function (e) { toggled(e, false); });

    var bases = {};
    (baseLayers || []).forEach(function (b) { bases[b[0]] = b[1]; });
    if (baseLayers && baseLayers.length) { bases[D.offlineLabel] = L.layerGroup(); }
    L.control.layers(bases, overlays, { collapsed: DOCS.length > 3 || T.length > 4 }).addTo(map);

    // Search box for places (tips are built as text, never HTML).
    if (L.Control.Search && P.length) {
      map.addControl(new L.Control.Search({
        layer: cluster, propertyName: "searchLabel", initial: false, marker: false,
        textPlaceholder: "Search places\u2026", textErr: "No such place on this map",
        buildTip: function (text) { return el("li", null, text); },
        moveToLocation: function (latlng, title, m) {
          var mk = latlng.layer;
          if (mk && cluster.hasLayer(mk)) { cluster.zoomToShowLayer(mk, function () { bind(mk).openPopup(); }); }
          else { m.setView(latlng, 8); }
        }
      }));
    }

    // Legend.
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "geo-legend leaflet-bar");
      box.appendChild(el("div", "geo-legend-title", "Places"));
      T.forEach(function (t) {
        var row = el("div", "geo-legend-row");
        var sw = el("span", "geo-mk geo-" + t.key);
        sw.appendChild(el("i"));
        row.appendChild(sw);
        row.appendChild(document.createTextNode(t.text + " (" + t.count + ")"));
        box.appendChild(row);
      });
      var kinds = D.shapeKinds || [];
      if (kinds.indexOf("line") >= 0) {
        var r1 = el("div", "geo-legend-row");
        r1.appendChild(el("span", "geo-legend-line"));
        r1.appendChild(document.createTextNode("River (line)"));
        box.appendChild(r1);
      }
      if (kinds.indexOf("area") >= 0) {
        var r2 = el("div", "geo-legend-row");
        r2.appendChild(el("span", "geo-legend-area"));
        r2.appendChild(document.createTextNode("Country / province / area outline"));
        box.appendChild(r2);
      }
      box.appendChild(el("div", "geo-legend-note", "Marker size: number of mentions; numbered circles group nearby places."));
      return box;
    };
    legend.addTo(map);

    if (D.title) {
      var titleCtl = L.control({ position: "topright" });
      titleCtl.onAdd = function () { return el("div", "geo-title-box leaflet-bar", D.title); };
      titleCtl.addTo(map);
    }

    if (D.bounds) { map.fitBounds(D.bounds, { padding: [30, 30], maxZoom: 9, animate: false }); }

    cluster.addLayers(markers);
    window.geoMapState = {
      map: map, cluster: cluster, markers: markers, shapes: shapes, data: D, bind: bind,
      open: function (i) {  // show place i (zooming into its cluster) with its popup open
        return new Promise(function (resolve) {
          var mk = bind(markers[i]);
          cluster.zoomToShowLayer(mk, function () { mk.openPopup(); resolve(i); });
        });
      }
    };
    return window.geoMapState;
  };
})();
