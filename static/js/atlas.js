/*
 * Guangdong Laser & AM Cluster Atlas — Leaflet helpers used by geo/maps (Leaflet 1.9 only).
 *
 * Data arrive as compact JSON built in Python (integer-coded coordinates and categories,
 * string tables). User text (firm, park, district names, sources) is only ever put in the
 * page with textContent, or through atlas.esc() where Leaflet needs an HTML string (tooltips
 * read back by streamlit-folium). Legends, titles and notes arrive as HTML that Python has
 * already escaped.
 */
(function (L) {
  "use strict";
  if (!L || L.atlas) { return; }
  var atlas = L.atlas = {};

  atlas.esc = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };

  function el(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  /* ---------------------------------------------------------------- panes ----------- */
  // Points and heat share a pane above the areas (overlayPane 400) and below the site
  // symbols (markerPane 600). Area names and the corridor's name have their own pane above
  // both (their white halo keeps them readable over a bubble or a symbol) and below the
  // tooltips (650). Neither pane catches the mouse; the point layers hit-test on map events.
  var POINT_PANE = "atlasPoints", LABEL_PANE = "atlasLabels";
  var PANE_Z = { atlasPoints: 450, atlasLabels: 640 };
  function ensurePane(map, name) {
    var pane = map.getPane(name);
    if (!pane) {
      pane = map.createPane(name);
      pane.style.zIndex = PANE_Z[name] || 450;
      pane.style.pointerEvents = "none";
    }
    return pane;
  }

  // Labels may reach the map after the point layer (overlays come in any order): tell it,
  // so its bubbles move off the new label boxes.
  function labelsMoved(map) { map.fire("atlaslabels"); }

  /* ---------------------------------------------------------------- polygons -------- */
  // A ring is a flat list of integers: first pair absolute, then deltas, in 1/k degrees.
  function decodeRing(ints, k) {
    var out = new Array(ints.length / 2), x = 0, y = 0;
    for (var i = 0, j = 0; i < ints.length; i += 2, j++) {
      x += ints[i]; y += ints[i + 1];
      out[j] = [y / k, x / k];
    }
    return out;
  }
  atlas.decodeGeometry = function (polys, k) {
    return polys.map(function (rings) {
      return rings.map(function (r) { return decodeRing(r, k); });
    });
  };

  function ensureHatch() {
    if (document.getElementById("atlas-hatch")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    svg.innerHTML = '<defs><pattern id="atlas-hatch" patternUnits="userSpaceOnUse" ' +
      'width="7" height="7" patternTransform="rotate(45)">' +
      '<rect width="7" height="7" fill="#f0f0f0"/>' +
      '<line x1="0" y1="0" x2="0" y2="7" stroke="#a8a8a8" stroke-width="2.2"/>' +
      "</pattern></defs>";
    document.body.appendChild(svg);
  }

  // Areas: one polygon per area, style by index into a small style table, tooltip as
  // pre-escaped HTML (so streamlit-folium can return its text on click).
  atlas.Areas = L.FeatureGroup.extend({
    initialize: function (data, options) {
      L.FeatureGroup.prototype.initialize.call(this, [], options);
      var k = data.k, self = this;
      if (data.hatch) { ensureHatch(); }
      data.g.forEach(function (polys, i) {
        var style = L.extend({}, data.styles[data.si ? data.si[i] : 0]);
        var poly = L.polygon(atlas.decodeGeometry(polys, k), style);
        poly.feature = { type: "Feature", properties: { key: data.keys ? data.keys[i] : i } };
        if (data.tips && data.tips[i]) {
          poly.bindTooltip(data.tips[i], { sticky: true, className: "atlas-tip atlas-tip-area",
                                           opacity: 0.95 });
        }
        self.addLayer(poly);
      });
    }
  });
  atlas.areas = function (data, options) { return new atlas.Areas(data, options); };

  // Lines (corridor band): [[lat, lon], ...] with a permanent label (default: middle vertex)
  // in the labels' pane; labelOffset [dx, dy] moves the label's top-left corner from its
  // point by pixels (so it keeps clear of a city name at every zoom).
  atlas.band = function (latlngs, styles, label, labelClass, labelAt, labelOffset) {
    var group = L.featureGroup();
    styles.forEach(function (s) { L.polyline(latlngs, s).addTo(group); });
    if (label) {
      var mid = labelAt || latlngs[Math.floor(latlngs.length / 2)];
      var node = el("div", labelClass || "atlas-band-label", label);
      if (labelOffset) {
        node.style.transform = "translate(" + labelOffset[0] + "px, " + labelOffset[1] + "px)";
      }
      var marker = L.marker(mid, {
        icon: L.divIcon({ html: node, className: "atlas-label-icon", iconSize: null }),
        interactive: false, keyboard: false, pane: LABEL_PANE
      });
      var onAdd = marker.onAdd;
      marker.onAdd = function (map) {
        ensurePane(map, LABEL_PANE);
        onAdd.call(this, map);
        labelsMoved(map);
      };
      marker.addTo(group);
    }
    return group;
  };

  /* ---------------------------------------------------------------- labels ---------- */
  atlas.Labels = L.LayerGroup.extend({
    initialize: function (data, options) {
      L.LayerGroup.prototype.initialize.call(this, [], options);
      this._pane = (options && options.pane) || LABEL_PANE;
      for (var i = 0; i < data.lat.length; i++) {
        var box = el("div", "atlas-label" + (data.cls ? " " + data.cls : ""));
        el("span", "atlas-label-name", data.name[i], box);
        if (data.value && data.value[i]) { el("span", "atlas-label-value", data.value[i], box); }
        var dx = data.dx ? data.dx[i] : 0, dy = data.dy ? data.dy[i] : 0;
        box.style.transform = "translate(calc(-50% + " + dx + "px), calc(-50% + " + dy + "px))";
        this.addLayer(L.marker([data.lat[i], data.lon[i]], {
          icon: L.divIcon({ html: box, className: "atlas-label-icon", iconSize: null }),
          interactive: false, keyboard: false, pane: this._pane
        }));
      }
    },
    onAdd: function (map) {
      ensurePane(map, this._pane);
      L.LayerGroup.prototype.onAdd.call(this, map);
      labelsMoved(map);
    }
  });
  atlas.labels = function (data, options) { return new atlas.Labels(data, options); };

  /* ---------------------------------------------------------------- controls -------- */
  function ensureCenterCorners(map) {
    var corners = map._controlCorners;
    if (!corners || corners.topcenter) { return; }
    ["top", "bottom"].forEach(function (v) {
      corners[v + "center"] = L.DomUtil.create(
        "div", "leaflet-" + v + " atlas-center", map._controlContainer);
    });
  }

  atlas.Box = L.Control.extend({
    options: { position: "bottomright", className: "", html: "", foldBelow: [720, 480] },
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "atlas-box leaflet-control " + this.options.className);
      box.innerHTML = this.options.html;   // escaped in Python
      // on a small map the stacked legends would hide the province: start them folded
      // (their titles stay; a click opens them)
      var size = map.getSize(), details = box.querySelector("details");
      // a presentation map (class atlas-unfolded) keeps every legend open: it is a slide
      if (details && map.getContainer().classList.contains("atlas-unfolded")) {
        details.open = true;
      } else if (details && (size.x < this.options.foldBelow[0] || size.y < this.options.foldBelow[1])) {
        details.open = false;
      } else if (details) {
        // several legends stacked in one corner must not cover half the province: once
        // the corner is taller than half the map, later legends start folded
        var corner = map._controlCorners[this.options.position];
        setTimeout(function () {
          if (corner && corner.offsetHeight > size.y * 0.5) { details.open = false; }
        }, 0);
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  atlas.box = function (html, options) {
    return new atlas.Box(L.extend({ html: html }, options));
  };

  // A control that lives and dies with its layer group (legend of an overlay): added to a
  // FeatureGroup, it follows the layer switcher and streamlit-folium's overlay swaps.
  atlas.ControlLayer = L.Layer.extend({
    initialize: function (control) { this._control = control; },
    onAdd: function (map) {
      ensureCenterCorners(map);
      this._control.addTo(map);
    },
    onRemove: function (map) { map.removeControl(this._control); },
    getBounds: function () { return L.latLngBounds([]); }
  });
  atlas.legend = function (html, options) {
    return new atlas.ControlLayer(atlas.box(html, L.extend({ className: "atlas-legend" }, options)));
  };
  atlas.addBox = function (map, html, options) {
    ensureCenterCorners(map);
    return atlas.box(html, options).addTo(map);
  };

  atlas.ResetView = L.Control.extend({
    options: { position: "topleft", title: "Reset view", bounds: null },
    onAdd: function (map) {
      var bar = L.DomUtil.create("div", "leaflet-bar leaflet-control atlas-reset");
      var a = L.DomUtil.create("a", "", bar);
      a.href = "#"; a.title = this.options.title; a.setAttribute("role", "button");
      a.setAttribute("aria-label", this.options.title);
      a.innerHTML = '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">' +
        '<path d="M3 9.5 10 3l7 6.5M5 8v9h4v-5h2v5h4V8" fill="none" stroke="#333" ' +
        'stroke-width="1.8" stroke-linejoin="round"/></svg>';
      var bounds = this.options.bounds;
      L.DomEvent.on(a, "click", function (e) {
        L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
        map.fitBounds(bounds);
      });
      return bar;
    }
  });
  atlas.resetView = function (map, bounds, title) {
    return new atlas.ResetView({ bounds: bounds, title: title }).addTo(map);
  };

  /* ---------------------------------------------------------------- focus ----------- */
  // Fit the view to a selection, once per selection: overlays are redrawn on every filter
  // change, and a redraw must not undo the user's own panning unless the selection changed.
  atlas.Fit = L.Layer.extend({
    // room at the top for the title block, at the bottom right for the legend's edge
    options: { maxZoom: 12, paddingTopLeft: [30, 70], paddingBottomRight: [30, 30] },
    initialize: function (bounds, key, options) {
      L.setOptions(this, options);
      this._bounds = L.latLngBounds(bounds);
      this._key = key;
    },
    onAdd: function (map) {
      if (map._atlasFitKey === this._key) { return; }
      map._atlasFitKey = this._key;
      map._atlasFit = this;
      map._atlasFitTouched = false;
      if (!map._atlasFitFollows) {
        // The frame may get its size only after the map is made (streamlit-folium adds the
        // overlays, then sets the frame's height: presentation mode's 1072 px): fit again
        // when the map is resized, until the user pans or zooms it herself.
        map._atlasFitFollows = true;
        map.on("resize", function () {
          if (map._atlasFit && !map._atlasFitTouched) { map._atlasFit._fit(map); }
        });
        L.DomEvent.on(map.getContainer(), "mousedown wheel touchstart keydown", function () {
          map._atlasFitTouched = true;
        });
      }
      this._fit(map);
    },
    _fit: function (map) {
      var size = map.getSize();
      if (size.x < 50 || size.y < 50) { return; }  // no size yet: the resize will fit
      var self = this;
      map._atlasFitted = null;  // the key of the fit in view, once it is (tests wait on it)
      if (map._animatingZoom) {
        // the base map's own province fit may still be zooming (a frame that is visible at
        // once, as in presentation mode): Leaflet ends that animation at its own target,
        // undoing a fit made meanwhile, so fit again when it is over
        map.once("zoomend", function () { if (map._atlasFit === self) { self._fit(map); } });
        return;
      }
      map.fitBounds(this._bounds, { paddingTopLeft: this.options.paddingTopLeft,
                                    paddingBottomRight: this.options.paddingBottomRight,
                                    maxZoom: this.options.maxZoom, animate: false });
      // that animation starts on the next frame (Leaflet schedules it): look again then
      L.Util.requestAnimFrame(function () {
        if (map._atlasFit !== self) { return; }
        if (!map._animatingZoom) { map._atlasFitted = self._key; return; }
        map.once("zoomend", function () { if (map._atlasFit === self) { self._fit(map); } });
      });
    },
    onRemove: function () {},
    getBounds: function () { return L.latLngBounds([]); }
  });
  atlas.fit = function (bounds, key, options) { return new atlas.Fit(bounds, key, options); };

  // A double-click zooms; it must not also select what is under it. Leaflet reports both
  // clicks of a double-click, so a first click on the map (not on a control or a popup) is
  // held back briefly and dropped when a second click follows.
  atlas.DOUBLE_CLICK_MS = 300;
  L.Map.addInitHook(function () {
    var box = this._container, held = null, replaying = false;
    box.addEventListener("click", function (e) {
      if (replaying || !e.isTrusted) { return; }
      var target = e.target;
      if (target.closest && target.closest(".leaflet-control, .leaflet-popup")) { return; }
      e.stopPropagation();
      if (held) { clearTimeout(held); held = null; }
      if (e.detail > 1) { return; }  // the second click of a double-click
      var init = { bubbles: true, cancelable: true, view: window, detail: 1,
                   clientX: e.clientX, clientY: e.clientY, screenX: e.screenX,
                   screenY: e.screenY, button: e.button, ctrlKey: e.ctrlKey,
                   shiftKey: e.shiftKey, altKey: e.altKey, metaKey: e.metaKey };
      held = setTimeout(function () {
        held = null;
        replaying = true;
        try { target.dispatchEvent(new MouseEvent("click", init)); } finally { replaying = false; }
      }, atlas.DOUBLE_CLICK_MS);
    }, true);
  });

  /* ---------------------------------------------------------------- points ---------- */
  // Columns: x (delta-coded lon * q), y (lat * q), t tier, s segment, c city, d district
  // (index into ds), r revenue in 10k CNY (-1 unknown), yr revenue year (0 unknown),
  // src (index into ss), nm names (nmx: index into the suffix table nms).
  function decodePoints(data) {
    var n = data.y.length, q = data.q, lon = new Float64Array(n), lat = new Float64Array(n);
    var wx = new Float64Array(n), wy = new Float64Array(n), x = 0, PI = Math.PI;
    for (var i = 0; i < n; i++) {
      x += data.x[i];
      lon[i] = x / q; lat[i] = data.y[i] / q;
      wx[i] = (lon[i] + 180) / 360;
      var s = Math.sin(Math.max(Math.min(lat[i], 85.0511287798), -85.0511287798) * PI / 180);
      wy[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * PI);
    }
    return { n: n, lon: lon, lat: lat, wx: wx, wy: wy };
  }

  // Move a cluster bubble off the label boxes it would cover, to the nearest spot within
  // 1.3 r + 8 px (16 directions) that is clear of every name and, if one is, of the bubbles
  // already placed; failing that, one where at least its count (the middle 11 px) is clear.
  // The bubble stands for the firms of a 60 px cell: its exact spot carries no information,
  // a hidden count or name would.
  function covers(x, y, r, boxes) {
    for (var k = 0; k < boxes.length; k++) {
      var b = boxes[k];
      var nx = Math.max(b.x0, Math.min(x, b.x1)), ny = Math.max(b.y0, Math.min(y, b.y1));
      if ((nx - x) * (nx - x) + (ny - y) * (ny - y) < r * r) { return true; }
    }
    return false;
  }
  function meets(x, y, r, discs) {
    for (var k = 0; k < discs.length; k++) {
      var d = discs[k], gap = d.r + r;
      if ((d.x - x) * (d.x - x) + (d.y - y) * (d.y - y) < gap * gap) { return true; }
    }
    return false;
  }
  function nearestClear(cl, r, reach, boxes, discs) {
    for (var d = 3; d <= reach; d += 3) {
      for (var j = 0; j < 16; j++) {
        var x = cl.x + d * Math.cos(j * Math.PI / 8), y = cl.y + d * Math.sin(j * Math.PI / 8);
        if (!covers(x, y, r, boxes) && !meets(x, y, r, discs)) { return [x, y]; }
      }
    }
    return null;
  }
  function displace(cl, r, boxes, discs) {
    if (!covers(cl.x, cl.y, r, boxes)) { return; }
    var reach = 1.3 * r + 8, core = Math.min(r, 11);
    var spot = nearestClear(cl, r, reach, boxes, discs) || nearestClear(cl, r, reach, boxes, []) ||
      nearestClear(cl, core, reach, boxes, discs) || nearestClear(cl, core, reach, boxes, []);
    if (spot) { cl.x = spot[0]; cl.y = spot[1]; }
  }

  atlas.Points = L.Layer.extend({
    options: {
      pane: POINT_PANE, mode: "auto", clusterBelow: 11, minCluster: 400, cell: 60,
      colorBy: "t", colors: [], radii: [], order: null, clusterColor: "#0b5ea8",
      text: {}
    },
    initialize: function (data, options) {
      L.setOptions(this, options);
      this._data = data;
      this._pts = decodePoints(data);
      this._clusters = null;
    },
    getBounds: function () {
      var p = this._pts, b = L.latLngBounds([]);
      for (var i = 0; i < p.n; i++) { b.extend([p.lat[i], p.lon[i]]); }
      return b;
    },
    onAdd: function (map) {
      var pane = ensurePane(map, this.options.pane);
      this._canvas = L.DomUtil.create("canvas", "atlas-points leaflet-zoom-hide", pane);
      map.on("moveend viewreset resize", this._redraw, this);
      map.on("atlaslabels", this._redrawSoon, this);
      // the map's style sheets and web font may arrive after the first draw (the component
      // adds their links late): label boxes change then, so draw again
      var self = this;
      this._onAsset = function (e) {
        if (!e || !e.target || e.target.tagName === "LINK" || e.type === "loadingdone") {
          self._redrawSoon();
        }
      };
      document.addEventListener("load", this._onAsset, true);
      if (document.fonts) { document.fonts.addEventListener("loadingdone", this._onAsset); }
      map.on("click", this._onClick, this);
      map.on("mousemove", this._onMove, this);
      map.on("mouseout", this._hideTip, this);
      this._redraw();
    },
    onRemove: function (map) {
      map.off("moveend viewreset resize", this._redraw, this);
      map.off("atlaslabels", this._redrawSoon, this);
      document.removeEventListener("load", this._onAsset, true);
      if (document.fonts) { document.fonts.removeEventListener("loadingdone", this._onAsset); }
      map.off("click", this._onClick, this);
      map.off("mousemove", this._onMove, this);
      map.off("mouseout", this._hideTip, this);
      this._hideTip();
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },
    _clustering: function (visible) {
      var o = this.options, z = this._map.getZoom();
      if (o.mode === "dots") { return false; }
      if (o.mode === "cluster") { return z < this._map.getMaxZoom(); }
      return z < o.clusterBelow && visible > o.minCluster;
    },
    // one redraw on the next frame for any number of label layers added meanwhile
    _redrawSoon: function () {
      if (this._soon) { return; }
      var self = this;
      this._soon = L.Util.requestAnimFrame(function () {
        self._soon = null;
        if (self._map) { self._redraw(); }
      });
    },
    _redraw: function () {
      var map = this._map;
      if (!map || !this._canvas) { return; }
      var size = map.getSize(), dpr = window.devicePixelRatio || 1, c = this._canvas;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, topLeft);
      c.width = Math.round(size.x * dpr); c.height = Math.round(size.y * dpr);
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      var ctx = c.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);

      var p = this._pts, scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y, m = 20;
      var vis = [], px = new Float32Array(p.n), py = new Float32Array(p.n);
      for (var i = 0; i < p.n; i++) {
        var X = p.wx[i] * scale - ox, Y = p.wy[i] * scale - oy;
        if (X < -m || Y < -m || X > size.x + m || Y > size.y + m) { continue; }
        px[i] = X; py[i] = Y; vis.push(i);
      }
      this._px = px; this._py = py;
      this._index = {};
      this._clusters = null;
      if (this._clustering(vis.length)) {
        this._drawClusters(ctx, vis, scale, ox, oy);
      } else {
        this._drawDots(ctx, vis);
      }
    },
    _codes: function () {
      return this.options.colorBy === "s" ? this._data.s : this._data.t;
    },
    _drawDots: function (ctx, vis) {
      var o = this.options, codes = this._codes(), tiers = this._data.t, groups = {};
      vis.forEach(function (i) {
        var key = codes[i] + ":" + tiers[i];
        (groups[key] = groups[key] || []).push(i);
      });
      // smaller tiers first, so the largest firms are drawn on top
      var keys = Object.keys(groups).sort(function (a, b) {
        return (o.radii[+a.split(":")[1]] || 3) - (o.radii[+b.split(":")[1]] || 3);
      });
      var px = this._px, py = this._py, self = this;
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      keys.forEach(function (key) {
        var parts = key.split(":"), r = o.radii[+parts[1]] || 3;
        ctx.fillStyle = o.colors[+parts[0]] || "#777";
        ctx.beginPath();
        groups[key].forEach(function (i) {
          ctx.moveTo(px[i] + r, py[i]);
          ctx.arc(px[i], py[i], r, 0, 2 * Math.PI);
          self._addIndex(i, px[i], py[i]);
        });
        ctx.fill(); ctx.stroke();
      });
    },
    _drawClusters: function (ctx, vis, scale, ox, oy) {
      var cell = this.options.cell, cells = {}, list = [];
      var px = this._px, py = this._py;
      vis.forEach(function (i) {
        // grid in world pixels, so clusters do not jump while panning
        var key = Math.floor((px[i] + ox) / cell) + ":" + Math.floor((py[i] + oy) / cell);
        var cl = cells[key];
        if (!cl) { cl = cells[key] = { n: 0, x: 0, y: 0, members: [] }; list.push(cl); }
        cl.n++; cl.x += px[i]; cl.y += py[i]; cl.members.push(i);
      });
      var singles = [];
      var self = this;
      list.forEach(function (cl) {
        cl.x /= cl.n; cl.y /= cl.n;
        if (cl.n === 1) { singles.push(cl.members[0]); }
      });
      this._drawDots(ctx, singles);
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      var nmax = 1;
      list.forEach(function (cl) { if (cl.n > nmax) { nmax = cl.n; } });
      var rmax = Math.max(12, cell / 2 - 10);
      var boxes = this._labelBoxes(), placed = [];
      list.sort(function (a, b) { return a.n - b.n; });  // the largest on top
      list.forEach(function (cl) {
        if (cl.n === 1) { return; }
        var r = Math.min(rmax, 8 + (rmax - 8) * Math.sqrt(cl.n / nmax));
        displace(cl, r, boxes, placed);
        placed.push({ x: cl.x, y: cl.y, r: r });
        ctx.beginPath();
        ctx.arc(cl.x, cl.y, r, 0, 2 * Math.PI);
        ctx.globalAlpha = 0.88;
        ctx.fillStyle = self.options.clusterColor; ctx.fill();
        ctx.globalAlpha = 1;
        ctx.lineWidth = 1.5; ctx.strokeStyle = "#fff"; ctx.stroke();
        ctx.fillStyle = "#fff";
        ctx.font = "600 " + (r >= 14 ? 12 : 10) + "px system-ui, sans-serif";
        ctx.fillText(cl.n >= 10000 ? Math.round(cl.n / 1000) + "k" : String(cl.n), cl.x, cl.y);
        cl.r = r;
      });
      this._clusters = list.filter(function (cl) { return cl.n > 1; });
    },
    // Screen boxes of the area and corridor labels: a bubble moves off them, so neither
    // the name (drawn above) nor the bubble's count (under it) is hidden.
    _labelBoxes: function () {
      var root = this._map.getContainer(), origin = root.getBoundingClientRect(), out = [];
      var nodes = root.querySelectorAll(".atlas-label, .atlas-band-label");
      for (var i = 0; i < nodes.length; i++) {
        var b = nodes[i].getBoundingClientRect();
        if (b.width) {
          out.push({ x0: b.left - origin.left, y0: b.top - origin.top,
                     x1: b.right - origin.left, y1: b.bottom - origin.top });
        }
      }
      return out;
    },
    _addIndex: function (i, x, y) {
      var key = Math.floor(x / 16) + ":" + Math.floor(y / 16);
      (this._index[key] = this._index[key] || []).push(i);
    },
    _hit: function (cp) {
      var best = null, bestD = Infinity, o = this.options, tiers = this._data.t, k, d, j;
      if (this._clusters) {
        for (j = 0; j < this._clusters.length; j++) {
          var cl = this._clusters[j];
          d = (cl.x - cp.x) * (cl.x - cp.x) + (cl.y - cp.y) * (cl.y - cp.y);
          if (d <= (cl.r + 2) * (cl.r + 2) && d < bestD) { bestD = d; best = { cluster: cl }; }
        }
        if (best) { return best; }
      }
      var gx = Math.floor(cp.x / 16), gy = Math.floor(cp.y / 16);
      for (var a = gx - 1; a <= gx + 1; a++) {
        for (var b = gy - 1; b <= gy + 1; b++) {
          var bucket = this._index[a + ":" + b];
          if (!bucket) { continue; }
          for (k = 0; k < bucket.length; k++) {
            var i = bucket[k], r = (o.radii[tiers[i]] || 3) + 3;
            d = (this._px[i] - cp.x) * (this._px[i] - cp.x) + (this._py[i] - cp.y) * (this._py[i] - cp.y);
            if (d <= r * r && d < bestD) { bestD = d; best = { index: i }; }
          }
        }
      }
      return best;
    },
    _name: function (i) {
      var d = this._data, name = d.nm[i];
      if (d.nmx && d.nmx[i] > 0) { name += d.nms[d.nmx[i]]; }
      return name;
    },
    _onMove: function (e) {
      var hit = this._hit(e.containerPoint), map = this._map, t = this.options.text;
      var box = map.getContainer();
      box.style.cursor = hit ? "pointer" : "";
      // while a firm is under the mouse, the area tooltips below it stay hidden
      L.DomUtil[hit ? "addClass" : "removeClass"](box, "atlas-hover-point");
      if (!hit) { this._hideTip(); return; }
      var text, ll;
      if (hit.cluster) {
        text = (t.cluster || "{n}").replace("{n}", hit.cluster.n.toLocaleString());
        ll = map.containerPointToLatLng([hit.cluster.x, hit.cluster.y]);
      } else {
        text = this._name(hit.index);
        ll = L.latLng(this._pts.lat[hit.index], this._pts.lon[hit.index]);
      }
      if (!this._tip) {
        this._tip = L.tooltip({ direction: "top", offset: [0, -6], className: "atlas-tip" });
      }
      this._tip.setLatLng(ll).setContent(atlas.esc(text));
      if (!map.hasLayer(this._tip)) { this._tip.addTo(map); }
    },
    _hideTip: function () {
      if (this._map) { L.DomUtil.removeClass(this._map.getContainer(), "atlas-hover-point"); }
      if (this._tip && this._map && this._map.hasLayer(this._tip)) { this._map.removeLayer(this._tip); }
    },
    _onClick: function (e) {
      var hit = this._hit(e.containerPoint), map = this._map;
      if (!hit) { return; }
      if (hit.cluster) {
        var b = L.latLngBounds([]), p = this._pts;
        hit.cluster.members.forEach(function (i) { b.extend([p.lat[i], p.lon[i]]); });
        map.fitBounds(b.pad(0.15), { maxZoom: Math.max(map.getZoom() + 2, this.options.clusterBelow) });
        return;
      }
      var i = hit.index, ll = L.latLng(this._pts.lat[i], this._pts.lon[i]);
      L.popup({ className: "atlas-popup", maxWidth: 320, offset: [0, -4] })
        .setLatLng(ll).setContent(this._popup(i)).openOn(map);
      // streamlit-folium reports the clicked object's latlng (last_object_clicked)
      this.fire("click", { latlng: ll, index: i });
    },
    _popup: function (i) {
      var d = this._data, t = this.options.text, box = el("div", "atlas-card");
      el("div", "atlas-card-title", this._name(i), box);
      var place = [d.c[i] >= 0 ? d.cs[d.c[i]] : "", d.d[i] >= 0 ? d.ds[d.d[i]] : ""]
        .filter(Boolean).join(" · ");
      if (place) { el("div", "atlas-card-place", place, box); }
      var rows = [
        [t.segment, t.segments[d.s[i]]],
        [t.tier, t.tiers[d.t[i]]],
        [t.revenue, this._revenue(i)]
      ];
      var dl = el("dl", "atlas-card-rows", null, box);
      rows.forEach(function (row) {
        if (!row[1]) { return; }
        el("dt", "", row[0], dl); el("dd", "", row[1], dl);
      });
      return box;
    },
    _revenue: function (i) {
      var d = this._data, t = this.options.text, r = d.r[i];
      if (r < 0) { return t.unknown; }
      var txt = r >= t.bigAt ? (r / t.bigDiv).toFixed(2) + t.bigUnit
        : (r / t.smallDiv).toFixed(t.smallDec) + t.smallUnit;
      var extra = [];
      if (d.yr[i] > 0) { extra.push(String(d.yr[i]) + t.year); }
      if (d.src[i] >= 0 && d.ss[d.src[i]]) { extra.push(t.source + d.ss[d.src[i]]); }
      return extra.length ? txt + t.open + extra.join(t.sep) + t.close : txt;
    }
  });
  atlas.points = function (data, options) { return new atlas.Points(data, options); };

  atlas.heat = function (data, options) {
    var p = decodePoints(data), pts = new Array(p.n);
    for (var i = 0; i < p.n; i++) { pts[i] = [p.lat[i], p.lon[i], data.w ? data.w[i] : 1]; }
    var layer = L.heatLayer(pts, L.extend({ pane: POINT_PANE }, options));
    var onAdd = layer.onAdd;
    layer.onAdd = function (map) {
      ensurePane(map, this.options.pane);
      return onAdd.call(this, map);
    };
    return layer;
  };

  /* ---------------------------------------------------------------- sites ----------- */
  var SHAPES = {
    park: '<rect x="3" y="3" width="14" height="14" rx="2"/>',
    platform: '<path d="M10 2.5 18 17H2z"/>',
    facility: '<path d="M10 1.8l2.4 5.3 5.8.6-4.4 3.9 1.3 5.7L10 14.4 4.9 17.3l1.3-5.7L1.8 7.7l5.8-.6z"/>'
  };
  atlas.Sites = L.FeatureGroup.extend({
    initialize: function (data, options) {
      L.FeatureGroup.prototype.initialize.call(this, [], options);
      var t = data.text;
      for (var i = 0; i < data.lat.length; i++) {
        var kind = data.kinds[data.k[i]], status = data.statuses[data.st[i]];
        var color = data.colors[data.k[i]];
        var fill = status === "operating" ? color : (status === "building" ? color : "#fff");
        var fillOpacity = status === "building" ? 0.45 : 1;
        var dash = status === "planned" ? ' stroke-dasharray="2.5 1.8"' : "";
        var svg = '<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true"><g fill="' +
          fill + '" fill-opacity="' + fillOpacity + '" stroke="' + color +
          '" stroke-width="2"' + dash + ">" + SHAPES[kind] + "</g></svg>";
        var marker = L.marker([data.lat[i], data.lon[i]], {
          icon: L.divIcon({ html: svg, className: "atlas-site atlas-site-" + status,
                            iconSize: [20, 20], iconAnchor: [10, 10] }),
          keyboard: false
        });
        marker.bindTooltip(atlas.esc(data.nm[i]), { direction: "top", offset: [0, -9],
                                                     className: "atlas-tip" });
        marker.bindPopup(this._card(data, i, t), { className: "atlas-popup", maxWidth: 320 });
        this.addLayer(marker);
      }
    },
    _card: function (data, i, t) {
      var box = el("div", "atlas-card");
      el("div", "atlas-card-title", data.nm[i], box);
      if (data.place[i]) { el("div", "atlas-card-place", data.place[i], box); }
      var dl = el("dl", "atlas-card-rows", null, box);
      [[t.kind, t.kinds[data.k[i]]], [t.status, t.statuses[data.st[i]]],
       [t.note, data.note[i]], [t.source, data.src[i]]].forEach(function (row) {
        if (!row[1]) { return; }
        el("dt", "", row[0], dl); el("dd", "", row[1], dl);
      });
      return box;
    }
  });
  atlas.sites = function (data, options) { return new atlas.Sites(data, options); };
})(window.L);
