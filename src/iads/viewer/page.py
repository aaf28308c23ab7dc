"""The replay page: HTML, style and script, served by ``iads.viewer.app`` (no inline script).

The script fetches the scene (sites, rings, routes, threat tracks) once and one replication at
a time, and draws the state at the slider's time: threats along their tracks until destroyed or
leaked, missiles on the line from launcher to where their flight ended, intercept and leak
markers from their time on. ``window.iadsViewer`` exposes the clock and what is drawn, for the
browser tests.
"""

from __future__ import annotations

from iads.report.templates import BASEMAP_JS

PAGE_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__ — iads replay</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/leaflet.css">
<link rel="stylesheet" href="/static/viewer.css">
</head>
<body>
<header class="bar"><h1>__TITLE__</h1>
<span class="scope">Replay · simulation only; public figures; positions notional.</span>
<a href="/files/report.html" target="_blank" rel="noopener">report</a></header>
<div id="layout">
<div id="map" role="region" aria-label="Map of the replay"></div>
<aside id="panel">
<section id="controls">
<div class="row"><label for="replication">Replication</label>
<select id="replication"></select><span id="replication-count" class="muted"></span></div>
<div class="row"><button id="play" type="button">Play</button>
<label for="speed">Speed</label><select id="speed">
<option value="1">1×</option><option value="10">10×</option><option value="30" selected>30×</option>
<option value="100">100×</option><option value="300">300×</option></select></div>
<div class="row"><input id="time" type="range" min="0" max="1" step="0.1" value="0"
aria-label="Time since the start of the run, s"></div>
<div class="row"><output id="clock">t = 0 s</output></div>
</section>
<section id="now"><h2>Now</h2><dl id="counts"></dl></section>
<section id="moments"><h2>Intercepts and leaks</h2><ol id="moment-list"></ol></section>
<section id="summary"><h2>Summary (all replications)</h2><div id="summary-table"></div></section>
<p id="message" class="muted" role="status"></p>
</aside>
</div>
<script src="/static/leaflet.js"></script>
<script src="/static/topojson-client.js"></script>
<script src="/static/viewer.js"></script>
</body>
</html>
"""

PAGE_CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.35 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; background: #fafafa; }
.bar { display: flex; gap: 1em; align-items: baseline; padding: 6px 12px;
  border-bottom: 1px solid #ddd; background: #fff; }
.bar h1 { font-size: 16px; margin: 0; }
.scope, .muted { color: #666; font-size: 12px; }
#layout { display: flex; height: calc(100% - 40px); }
#map { flex: 1; background: #dfe9f2; }
#panel { width: 340px; overflow-y: auto; padding: 8px 12px; border-left: 1px solid #ddd;
  background: #fff; }
#panel h2 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; color: #555; }
.row { display: flex; gap: 6px; align-items: center; margin: 4px 0; }
#time { width: 100%; }
#clock { font-variant-numeric: tabular-nums; font-weight: 600; }
#counts { display: grid; grid-template-columns: auto auto; gap: 2px 12px; margin: 0; }
#counts dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
#moment-list { max-height: 220px; overflow-y: auto; padding-left: 1.6em; margin: 0; }
#moment-list button { display: inline; border: 0; background: none; color: #1f3b73;
  cursor: pointer;
  padding: 0; text-align: left; font: inherit; }
#moment-list .leak button { color: #b0201e; }
#moment-list li { margin: 1px 0; }
.legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); line-height: 1.5; font-size: 12px; max-width: 260px; }
.legend b { display: block; margin-top: 2px; }
.legend i { display: inline-block; width: 16px; height: 3px; margin: 0 6px 3px 0;
  vertical-align: middle; }
.legend i.dot { width: 10px; height: 10px; border-radius: 50%; margin: 0 6px 1px 0; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { padding: 2px 4px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ring-label span { font-size: 11px; white-space: nowrap; }
"""

PAGE_JS = (
    BASEMAP_JS
    + r"""
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function getJSON(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }
  function say(text) { $("message").textContent = text; }
  function fmt(est, digits) {
    if (!est || est.mean === null || est.mean === undefined) { return "–"; }
    var d = digits === undefined ? 1 : digits;
    return est.mean.toFixed(d);
  }

  var map = iadsMap("map");
  var svg = L.svg({padding: 0.5});
  var staticLayer = L.layerGroup().addTo(map);
  var routeLayer = L.layerGroup().addTo(map);
  var pointLayer = L.layerGroup().addTo(map);
  var missileLayer = L.layerGroup().addTo(map);
  var trailLayer = L.layerGroup().addTo(map);
  var threatLayer = L.layerGroup().addTo(map);
  var trailRenderer = L.canvas({padding: 0.5});

  var scene = null, rep = null, t = 0, playing = false, lastFrame = null, painted = false;
  var threatMarkers = [], missileLines = [], missileHeads = [], pointMarkers = [];
  var cache = {};

  function interp(times, values, x) {
    var n = times.length;
    if (x <= times[0]) { return values[0]; }
    if (x >= times[n - 1]) { return values[n - 1]; }
    var lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (times[mid] <= x) { lo = mid; } else { hi = mid; }
    }
    var f = (x - times[lo]) / (times[hi] - times[lo]);
    return values[lo] + f * (values[hi] - values[lo]);
  }

  function drawStatic() {
    var bounds = L.latLngBounds([]);
    scene.sites.forEach(function (s) {
      var ll = [s.lat_deg, s.lon_deg];
      bounds.extend(ll);
      var color = scene.colors.site[s.kind] || scene.colors.site.battery;
      s.rings.forEach(function (r) {
        var c = L.circle(ll, {radius: r.radius_m, color: color, weight: 1.2, opacity: 0.8,
                              fill: false, dashArray: r.kind === "radar" ? "6 5" : null,
                              interactive: true, className: "ring"});
        c.bindTooltip(esc(s.name) + ": " + esc(r.label) + " " + (r.radius_m / 1000).toFixed(0) +
                      " km", {sticky: true});
        c.addTo(staticLayer);
        if (r.kind !== "radar") { bounds.extend(L.latLng(ll).toBounds(2 * r.radius_m)); }
      });
      L.circleMarker(ll, {radius: s.kind === "asset" ? 7 : 6, color: "#ffffff", weight: 1.5,
                          fillColor: color, fillOpacity: 1, className: "site-marker"})
        .bindTooltip("<b>" + esc(s.name) + "</b>" + (s.system ? "<br>" + esc(s.system) : ""))
        .addTo(staticLayer);
    });
    scene.routes.forEach(function (r) {
      var col = scene.colors.category[r.category] || "#888888";
      var ll = r.points.map(function (p) { bounds.extend([p[0], p[1]]); return [p[0], p[1]]; });
      L.polyline(ll, {color: col, weight: 1.5, opacity: 0.45, dashArray: "2 4",
                      className: "route"})
        .bindTooltip(esc(r.name) + " (planned route)", {sticky: true}).addTo(routeLayer);
    });
    scene.threats.forEach(function (th) {
      var n = th.lat_deg.length;
      if (n) { bounds.extend([th.lat_deg[0], th.lon_deg[0]]); }
      if (n) { bounds.extend([th.lat_deg[n - 1], th.lon_deg[n - 1]]); }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 10}); }
    else { map.setView([40, 30], 5); }
  }

  function threatLabel(id) {
    var th = scene.threats[id];
    return th ? th.type_name + " #" + id + " (" + th.group + ")" : "threat #" + id;
  }

  function drawLegend() {
    var html = "<b>Threats</b>";
    var named = {};
    scene.threats.forEach(function (th) { named[th.category] = th.category_name || th.category; });
    Object.keys(named).forEach(function (c) {
      html += '<div><i class="dot" style="background:' + (scene.colors.category[c] || "#555") +
        '"></i>' + esc(named[c]) + "</div>";
    });
    html += "<b>Missiles</b>";
    Object.keys(scene.colors.missile).forEach(function (m) {
      html += '<div><i style="background:' + scene.colors.missile[m] + '"></i>' + esc(m) +
        "</div>";
    });
    html += '<b>Sites</b><div><i class="dot" style="background:' + scene.colors.site.battery +
      '"></i>battery (rings: missile range; dashed: radar range)</div>' +
      '<div><i class="dot" style="background:' + scene.colors.site.asset +
      '"></i>defended asset</div>' +
      '<b>Outcomes</b><div><i class="dot" style="background:' + scene.colors.intercept +
      '"></i>intercept</div><div><i class="dot" style="background:' + scene.colors.leak +
      '"></i>leak</div>';
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      div.innerHTML = html;
      return div;
    };
    legend.addTo(map);
  }

  function clearDynamic() {
    [threatLayer, trailLayer, missileLayer, pointLayer].forEach(function (g) {
      g.clearLayers();
    });
    threatMarkers = []; missileLines = []; missileHeads = []; pointMarkers = [];
  }

  function buildReplication() {
    clearDynamic();
    var fate = {};
    rep.threats.forEach(function (f) { fate[f.id] = f; });
    scene.threats.forEach(function (th) {
      var col = scene.colors.category[th.category] || "#555555";
      var m = L.circleMarker([th.lat_deg[0], th.lon_deg[0]], {
        renderer: svg, radius: 5, color: "#222222", weight: 1, fillColor: col, fillOpacity: 1,
        className: "threat-marker"});
      m.bindTooltip(esc(th.group) + " #" + th.id + " · " + esc(th.type_name) + " · " +
                    esc(fate[th.id].fate));
      var trail = L.polyline([], {renderer: trailRenderer, color: col, weight: 1.6,
                                  opacity: 0.75, interactive: false});
      trail.addTo(trailLayer);
      threatMarkers.push({threat: th, fate: fate[th.id], marker: m, trail: trail, shown: false});
    });
    rep.missiles.forEach(function (ms) {
      if (ms.from[0] === null) { return; }
      var col = scene.colors.missile[ms.type] || "#444444";
      var line = L.polyline([[ms.from[0], ms.from[1]], [ms.from[0], ms.from[1]]],
                            {renderer: svg, color: col, weight: 2, opacity: 0.9,
                             className: "missile-line"});
      var head = L.circleMarker([ms.from[0], ms.from[1]], {renderer: svg, radius: 3,
        color: col, weight: 1, fillColor: "#ffffff", fillOpacity: 1, className: "missile-marker"});
      head.bindTooltip(esc(ms.type) + " #" + ms.id + " → threat " + ms.threat + " (" +
                       esc(ms.outcome) + ")");
      missileHeads.push({missile: ms, line: line, head: head, shown: false});
    });
    var moments = [];
    [["intercept", rep.intercepts], ["leak", rep.leaks]].forEach(function (pair) {
      pair[1].forEach(function (p) {
        if (p.lat_deg === null) { return; }
        var m = L.circleMarker([p.lat_deg, p.lon_deg], {renderer: svg, radius: 7,
          color: "#ffffff", weight: 1.5, fillColor: scene.colors[pair[0]], fillOpacity: 0.95,
          className: pair[0] + "-marker"});
        m.bindTooltip((pair[0] === "intercept" ? "Intercept" : "Leak") + " · t = " +
                      p.time_s.toFixed(1) + " s · threat " + p.threat + " (" +
                      esc(p.threat_type) + ")" +
                      (p.missile_type ? " by " + esc(p.missile_type) : ""));
        pointMarkers.push({point: p, kind: pair[0], marker: m, shown: false});
        moments.push({kind: pair[0], p: p});
      });
    });
    moments.sort(function (a, b) { return a.p.time_s - b.p.time_s; });
    var list = $("moment-list");
    list.innerHTML = "";
    if (!moments.length) { list.innerHTML = '<li class="muted">none in this replication</li>'; }
    moments.forEach(function (mo) {
      var li = document.createElement("li");
      li.className = mo.kind;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "seek " + mo.kind;
      b.dataset.t = String(mo.p.time_s);
      b.textContent = (mo.kind === "intercept" ? "Intercept" : "Leak") + " at " +
        mo.p.time_s.toFixed(1) + " s: " + threatLabel(mo.p.threat);
      b.addEventListener("click", function () { pause(); seek(mo.p.time_s); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function show(item, layer, on) {
    if (on && !item.shown) { item.marker.addTo(layer); item.shown = true; }
    else if (!on && item.shown) { layer.removeLayer(item.marker); item.shown = false; }
  }

  function trailTo(th, times, until) {
    // the track flown from launch to ``until``: samples in between, then the point at ``until``
    var pts = [[interp(times, th.lat_deg, th.launch_s), interp(times, th.lon_deg, th.launch_s)]];
    for (var k = 0; k < times.length && times[k] < until; k++) {
      if (times[k] > th.launch_s) { pts.push([th.lat_deg[k], th.lon_deg[k]]); }
    }
    pts.push([interp(times, th.lat_deg, until), interp(times, th.lon_deg, until)]);
    return pts;
  }

  function render() {
    if (!scene || !rep) { return; }
    var times = scene.track_times_s, flying = 0, inFlight = 0, intercepts = 0, leaks = 0;
    threatMarkers.forEach(function (tm) {
      var th = tm.threat;
      var stop = Math.min(tm.fate.end_s, th.arrival_s === null ? Infinity : th.arrival_s);
      var on = t >= th.launch_s && t <= stop;
      if (on) {
        tm.marker.setLatLng([interp(times, th.lat_deg, t), interp(times, th.lon_deg, t)]);
        flying += 1;
      }
      tm.trail.setLatLngs(t >= th.launch_s ? trailTo(th, times, Math.min(t, stop)) : []);
      show(tm, threatLayer, on);
    });
    missileHeads.forEach(function (mh) {
      var ms = mh.missile, on = ms.to !== null && t >= ms.launch_s && t < ms.end_s;
      if (on) {
        var f = (t - ms.launch_s) / Math.max(ms.end_s - ms.launch_s, 1e-6);
        var ll = [ms.from[0] + f * (ms.to[0] - ms.from[0]),
                  ms.from[1] + f * (ms.to[1] - ms.from[1])];
        mh.head.setLatLng(ll);
        mh.line.setLatLngs([[ms.from[0], ms.from[1]], ll]);
        inFlight += 1;
      }
      if (on && !mh.shown) {
        mh.line.addTo(missileLayer); mh.head.addTo(missileLayer); mh.shown = true;
      }
      else if (!on && mh.shown) {
        missileLayer.removeLayer(mh.line); missileLayer.removeLayer(mh.head); mh.shown = false;
      }
    });
    pointMarkers.forEach(function (pm) {
      var on = t >= pm.point.time_s - 1e-6;
      if (on) { if (pm.kind === "intercept") { intercepts += 1; } else { leaks += 1; } }
      show(pm, pointLayer, on);
    });
    $("clock").textContent = "t = " + t.toFixed(1) + " s of " + scene.duration_s.toFixed(0) + " s";
    $("time").value = String(t);
    $("counts").innerHTML = "<dt>threats flying</dt><dd>" + flying + "</dd>" +
      "<dt>missiles in flight</dt><dd>" + inFlight + "</dd>" +
      "<dt>intercepts so far</dt><dd>" + intercepts + "</dd>" +
      "<dt>leaks so far</dt><dd>" + leaks + "</dd>";
    if (!painted) { painted = true; document.body.dataset.ready = "1"; }
  }

  function seek(x) { t = Math.min(Math.max(Number(x) || 0, 0), scene.duration_s); render(); }
  function frame(now) {
    if (!playing) { return; }
    if (lastFrame !== null) {
      seek(t + (now - lastFrame) / 1000 * Number($("speed").value));
      if (t >= scene.duration_s) { pause(); return; }
    }
    lastFrame = now;
    window.requestAnimationFrame(frame);
  }
  function play() {
    if (t >= scene.duration_s) { t = 0; }
    playing = true; lastFrame = null; $("play").textContent = "Pause";
    window.requestAnimationFrame(frame);
  }
  function pause() { playing = false; $("play").textContent = "Play"; }

  function loadReplication(i) {
    var got = cache[i] ? Promise.resolve(cache[i]) : getJSON("/api/replications/" + i);
    return got.then(function (r) {
      var keys = Object.keys(cache);
      if (keys.length > 8) { delete cache[keys[0]]; }
      cache[i] = r; rep = r; buildReplication(); render();
    }).catch(function (e) { say(String(e)); });
  }

  function drawSummary(s) {
    var rows = s.threats.map(function (th) {
      return "<tr><td>" + esc(th.type) + "</td><td>" + th.count + "</td><td>" +
        fmt(th.detected) + "</td><td>" + fmt(th.engaged) + "</td><td>" + fmt(th.destroyed) +
        "</td><td>" + fmt(th.leaked) + "</td></tr>";
    }).join("");
    var fired = Object.keys(s.missiles_fired || {}).map(function (k) {
      return "<tr><td>fired: " + esc(k) + "</td><td colspan=5>" + fmt(s.missiles_fired[k]) +
        "</td></tr>";
    }).join("");
    $("summary-table").innerHTML = '<p class="muted">' + esc(s.scenario) + " · " +
      s.replications + " replications · seed " + s.seed + " · means</p>" +
      "<table><thead><tr><th>threat</th><th>n</th><th>det.</th><th>eng.</th><th>destr.</th>" +
      "<th>leaked</th></tr></thead><tbody>" + rows + fired + "</tbody></table>";
  }

  $("play").addEventListener("click", function () { if (playing) { pause(); } else { play(); } });
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (e.key === " " && tag !== "SELECT" && tag !== "INPUT" && tag !== "BUTTON") {
      e.preventDefault();
      if (playing) { pause(); } else { play(); }
    }
  });
  $("time").addEventListener("input", function (e) { pause(); seek(e.target.value); });
  $("replication").addEventListener("change", function (e) {
    loadReplication(Number(e.target.value));
  });

  window.iadsViewer = {
    time: function () { return t; },
    seek: function (x) { pause(); seek(x); },
    playing: function () { return playing; },
    replication: function () { return rep ? rep.replication : null; },
    load: function (i) { return loadReplication(i); },
    threatPositions: function () {
      return threatMarkers.filter(function (tm) { return tm.shown; }).map(function (tm) {
        var ll = tm.marker.getLatLng();
        return {id: tm.threat.id, lat: ll.lat, lon: ll.lng};
      });
    },
    shown: function (kind) {
      return pointMarkers.filter(function (pm) { return pm.shown && pm.kind === kind; }).length;
    }
  };

  Promise.all([getJSON("/api/scene"), getJSON("/api/summary"), getJSON("/api/countries")])
    .then(function (got) {
      scene = got[0];
      iadsBasemap(map, got[2]);
      drawStatic();
      drawLegend();
      if (scene.derived) { say("Replay " + scene.derived + "."); }
      drawSummary(got[1]);
      var sel = $("replication");
      var n = scene.replications;
      var frag = document.createDocumentFragment();
      for (var i = 0; i < n; i++) {
        var o = document.createElement("option"); o.value = String(i); o.textContent = String(i);
        frag.appendChild(o);
      }
      sel.appendChild(frag);
      $("replication-count").textContent = "of " + n;
      $("time").max = String(scene.duration_s);
      var first = scene.threats.reduce(function (a, th) {
        return Math.min(a, th.launch_s);
      }, Infinity);
      t = isFinite(first) ? first : 0;
      return loadReplication(0);
    })
    .catch(function (e) { say("Could not load the run: " + e); });
})();
"""
)
