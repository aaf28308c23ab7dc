"""Static text of the HTML report: the page style sheet and the map script.

Kept apart from the Python that fills the page so each reads as what it is. The map script
expects Leaflet (``L``) and topojson-client (``topojson``) to be loaded, a
``<script type="application/json" id="iads-countries">`` holding the countries TopoJSON and one
``id="iads-map-data"`` holding the map data written by ``iads.report.html``.
"""

from __future__ import annotations

PAGE_CSS = """
:root {
  --fg: #1d232b; --muted: #5b6572; --line: #dde2e8; --bg: #f7f8fa; --card: #ffffff;
  --accent: #1f3b73; --warn-bg: #fff4e0; --warn-line: #e3a33b;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 6px; }
h2 { font-size: 1.25rem; margin: 0 0 10px; }
h3 { font-size: 1.02rem; margin: 20px 0 8px; }
main > section, header.report {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 18px 20px; margin: 0 0 18px;
}
.reading {
  margin: 10px 0 0; font-size: 1.02rem; line-height: 1.55; max-width: 68em;
}
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.scope {
  margin: 12px 0 0; padding: 6px 10px; border-left: 3px solid var(--accent);
  background: #eef2f8; color: #23324d; font-size: 0.92rem;
}
nav.toc { margin: 12px 0 0; font-size: 0.92rem; }
nav.toc a { color: var(--accent); margin-right: 14px; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.caption, .muted { color: var(--muted); font-size: 0.88rem; }
.caption { margin: 8px 0 0; }
.note-warn {
  margin: 0 0 12px; padding: 8px 12px; background: var(--warn-bg);
  border: 1px solid var(--warn-line); border-radius: 6px;
}
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eef0f3; padding: 1px 4px; border-radius: 3px; }
#map { height: 620px; border: 1px solid var(--line); border-radius: 6px; background: #d9e6f0; }
@media (max-width: 600px) {
  main { padding: 12px 8px 32px; }
  main > section, header.report { padding: 14px 12px; }
  #map { height: 440px; }
}
/* Below the map on narrow screens (the script moves the legend there). */
#map-legend-below .map-legend { box-shadow: none; border: 1px solid var(--line);
  max-width: none; margin-top: 8px; columns: 2 12em; column-gap: 16px; }
#map-legend-below .map-legend b { break-after: avoid; }
#map-legend-below .map-legend div { break-inside: avoid; }
i.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin: 0 7px 0 0; vertical-align: baseline; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; }
/* Wide figures keep legible text on a phone: they scroll sideways instead of shrinking. */
figure.wide { overflow-x: auto; }
figure.wide svg { min-width: 720px; }
figure svg * { stroke-linejoin: round; stroke-linecap: butt; }
.fig-row { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 14px; }
@media (max-width: 760px) { .fig-row { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem;
  font-variant-numeric: tabular-nums; }
table.narrow { width: auto; min-width: 50%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right;
  vertical-align: top; }
th { font-size: 0.85rem; white-space: nowrap; }
table.stacked td .ci { display: block; }
td .ci { white-space: nowrap; }
td .ci.note { display: block; white-space: normal; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f1f3f6; font-weight: 600; }
tbody tr:hover { background: #fafbfc; }
td .ci { color: var(--muted); font-size: 0.85em; }
td:first-child { min-width: 10em; }
ul.notes { margin: 0; padding-left: 20px; }
footer { color: var(--muted); font-size: 0.82rem; text-align: center; }
/* Map furniture */
.leaflet-control-layers-expanded { padding: 4px 8px 4px 4px; }
.leaflet-control-layers label { margin: 0; line-height: 1.45; }
.leaflet-container { font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; background: #d9e6f0; }
.site-icon { background: none; border: none; }
.site-icon svg { display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,0.5)); }
.ring-label { background: none; border: none; }
.ring-label span {
  position: absolute; transform: translate(-50%, -100%); white-space: nowrap;
  font-size: 11px; font-weight: 600; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;
  pointer-events: none;
}
.leaflet-tooltip.site-label {
  background: none; border: none; box-shadow: none; padding: 0 2px;
  font-weight: 600; color: #1d232b;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff;
}
.leaflet-tooltip.site-label::before { display: none; }
.map-legend {
  background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); line-height: 1.55; max-width: 230px;
}
.map-legend b { display: block; margin-top: 3px; }
.map-legend div { white-space: normal; }
.leaflet-bar a.fit-button { width: auto; padding: 0 8px; font: 600 12px/30px system-ui,
  -apple-system, "Segoe UI", Roboto, Arial, sans-serif; white-space: nowrap; }
.map-legend i { display: inline-block; width: 18px; height: 3px; margin: 0 6px 3px 0;
  vertical-align: middle; }
.map-legend i.dot { width: 10px; height: 10px; border-radius: 50%; margin: 0 8px 1px 4px; }
.map-legend svg { vertical-align: middle; margin-right: 6px; }
"""

#: The Leaflet map of the report and of the replay page (``iads serve``): attribution, scale,
#: and the Natural Earth countries (TopoJSON) on a canvas pane below everything else.
BASEMAP_JS = r"""
function iadsMap(id) {
  "use strict";
  var map = L.map(id, {attributionControl: false, zoomSnap: 0.25, zoomDelta: 0.5,
                       minZoom: 2, maxZoom: 13});
  L.control.attribution({prefix: false})
    .addAttribution("Basemap: Natural Earth 1:50m (public domain) via world-atlas · Leaflet")
    .addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  map.createPane("basemap");
  map.getPane("basemap").style.zIndex = 250;
  return map;
}
function iadsBasemap(map, topo) {
  "use strict";
  L.geoJSON(topojson.feature(topo, topo.objects.countries), {
    pane: "basemap",
    renderer: L.canvas({pane: "basemap", padding: 0.5}),
    interactive: false,
    style: {color: "#8b8b8b", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1}
  }).addTo(map);
}
"""

MAP_JS = (
    BASEMAP_JS
    + r"""
(function () {
  "use strict";
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function km(m) { return (m / 1000).toFixed(m < 10000 ? 1 : 0) + " km"; }
  var BATTERY_SVG = '<svg viewBox="0 0 20 20" width="16" height="16"><path d="M10 2 L18.5 17 ' +
    'L1.5 17 Z" fill="COLOR" stroke="#ffffff" stroke-width="1.6"/></svg>';
  var ASSET_SVG = '<svg viewBox="0 0 24 24" width="22" height="22"><path d="M12 1.8l3 6.9 ' +
    '7.3.6-5.6 4.8 1.7 7.2L12 17.4l-6.4 3.9 1.7-7.2L1.7 9.3l7.3-.6z" fill="#f2b701" ' +
    'stroke="#222222" stroke-width="1.1"/></svg>';
  var JAMMER_SVG = '<svg viewBox="0 0 20 20" width="16" height="16"><path d="M10 1 L19 10 ' +
    'L10 19 L1 10 Z" fill="#7b3fa0" stroke="#ffffff" stroke-width="1.4"/><path d="M11 4 L7 11 ' +
    'L10 11 L9 16 L13 9 L10 9 Z" fill="#ffffff"/></svg>';

  var D = JSON.parse(document.getElementById("iads-map-data").textContent);
  var S = D.strings;
  var map = iadsMap("map");
  iadsBasemap(map, JSON.parse(document.getElementById("iads-countries").textContent));

  var rings = L.layerGroup(), ringLabels = L.layerGroup(), batteries = L.layerGroup(),
      assets = L.layerGroup(), jammers = L.layerGroup(), routes = L.layerGroup(),
      intercepts = L.layerGroup(), leaks = L.layerGroup();
  // Intercepts: many points, on a canvas. Leaks: fewer, on SVG above the site markers, since
  // they pile up on the defended assets they reach.
  var interceptRenderer = L.canvas({padding: 0.5});
  map.createPane("leaks");
  map.getPane("leaks").style.zIndex = 620;
  var leakRenderer = L.svg({pane: "leaks", padding: 0.5});

  D.sites.forEach(function (s) {
    var ll = [s.lat, s.lon];
    var tip = D.label_sites ? esc(s.name) :
      "<b>" + esc(s.name) + "</b>" + (s.system ? "<br>" + esc(s.system) : "");
    var label = {permanent: D.label_sites, direction: "right", offset: [9, 0],
                 className: D.label_sites ? "site-label" : ""};
    if (s.kind === "battery") {
      L.marker(ll, {icon: L.divIcon({className: "site-icon", iconSize: [16, 16],
                                     html: BATTERY_SVG.replace("COLOR", s.color)}),
                    title: s.name + (s.system ? " — " + s.system : ""), zIndexOffset: 500})
        .bindTooltip(tip, label).addTo(batteries);
      s.rings.forEach(function (r) {
        var text = esc(r.label) + " " + km(r.radius_m);
        var color = s.color;
        L.circle(ll, {radius: r.radius_m, color: color, weight: 1.4, opacity: 0.9,
                      fillColor: color, fillOpacity: 0.035, dashArray: r.dashed ? "6 5" : null})
          .bindTooltip(esc(s.name) + ": " + text, {sticky: true}).addTo(rings);
        L.marker([r.label_lat, r.label_lon], {
          icon: L.divIcon({className: "ring-label", iconSize: null,
                           html: '<span style="color:' + color + '">' + text + "</span>"}),
          interactive: false, keyboard: false}).addTo(ringLabels);
      });
    } else if (s.kind === "jammer") {
      L.marker(ll, {icon: L.divIcon({className: "site-icon", iconSize: [16, 16],
                                     html: JAMMER_SVG}),
                    title: s.name + " — " + s.system, zIndexOffset: 800})
        .bindTooltip(tip, label).addTo(jammers);
    } else {
      L.marker(ll, {icon: L.divIcon({className: "site-icon", iconSize: [22, 22],
                                     html: ASSET_SVG}),
                    title: s.name, zIndexOffset: 1000})
        .bindTooltip(tip, label).addTo(assets);
    }
  });

  D.routes.forEach(function (r) {
    var latlngs = r.points.map(function (p) { return [p[0], p[1]]; });
    var tip = "<b>" + esc(r.name) + "</b><br>" + esc(r.threat_type) + " · " + esc(r.category);
    L.polyline(latlngs, {color: r.color, weight: 2.6, opacity: 0.9})
      .bindTooltip(tip, {sticky: true}).addTo(routes);
    if (latlngs.length) {
      L.circleMarker(latlngs[0], {radius: 3.5, color: r.color, weight: 1, fillColor: r.color,
                                  fillOpacity: 1})
        .bindTooltip(tip + "<br>launch point").addTo(routes);
    }
  });

  function addPoints(list, layer, color, word, renderer) {
    list.forEach(function (p) {
      var tip = "<b>" + word + "</b> · replication " + p[2] + " · t = " + p[3].toFixed(0) +
        " s<br>" + esc(S[p[4]]) + " #" + p[5];
      if (S[p[6]]) { tip += "<br>by " + esc(S[p[6]]) + (S[p[7]] ? " (" + esc(S[p[7]]) + ")" : ""); }
      L.circleMarker([p[0], p[1]], {renderer: renderer, radius: 4.5, color: "#ffffff",
                                    weight: 0.8, fillColor: color, fillOpacity: 0.9})
        .bindTooltip(tip).addTo(layer);
    });
  }
  addPoints(D.points.intercept, intercepts, D.colors.intercept, "Intercept", interceptRenderer);
  addPoints(D.points.leak, leaks, D.colors.leak, "Leak", leakRenderer);

  [rings, ringLabels, routes, intercepts, leaks, batteries, assets, jammers].forEach(function (g) {
    g.addTo(map);
  });
  var overlays = {};
  overlays["Batteries (" + batteries.getLayers().length + ")"] = batteries;
  overlays["Range rings"] = rings;
  overlays["Ring labels"] = ringLabels;
  overlays["Defended assets (" + assets.getLayers().length + ")"] = assets;
  if (jammers.getLayers().length) {
    overlays["Stand-off jammers (" + jammers.getLayers().length + ")"] = jammers;
  }
  overlays["Raid routes (" + D.routes.length + ")"] = routes;
  overlays["Intercepts (" + D.points.intercept.length + ", " + D.replications_label + ")"] =
    intercepts;
  overlays["Leaks (" + D.points.leak.length + ", " + D.replications_label + ")"] = leaks;
  // A narrow map keeps its centre clear: layer switches folded, the legend below the map.
  var narrow = map.getSize().x < 640;
  L.control.layers(null, overlays, {collapsed: narrow, position: "topright"}).addTo(map);

  function legendHtml() {
    var html = "<b>Routes by category</b>";
    Object.keys(D.categories).forEach(function (c) {
      html += '<div><i style="background:' + D.categories[c] + '"></i>' + esc(c) + "</div>";
    });
    html += "<b>Sites</b>";
    Object.keys(D.systems).forEach(function (sys) {
      html += "<div>" + BATTERY_SVG.replace("COLOR", D.systems[sys]) + esc(sys) + "</div>";
    });
    html += "<div>" + ASSET_SVG.replace('width="22" height="22"', 'width="16" height="16"') +
      "defended asset</div>";
    if (D.sites.some(function (s) { return s.kind === "jammer"; })) {
      html += "<div>" + JAMMER_SVG + "stand-off jammer</div>";
    }
    html += '<b>Outcomes</b><div><i class="dot" style="background:' + D.colors.intercept +
      '"></i>intercept</div><div><i class="dot" style="background:' + D.colors.leak +
      '"></i>leak</div>';
    return html;
  }
  if (narrow) {
    var below = document.createElement("div");
    below.id = "map-legend-below";
    below.innerHTML = '<div class="map-legend">' + legendHtml() + "</div>";
    var mapDiv = document.getElementById("map");
    mapDiv.parentNode.insertBefore(below, mapDiv.nextSibling);
  } else {
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      div.innerHTML = legendHtml();
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
  }

  // Opens on the defence (batteries, assets, leaks); the buttons switch to the whole raid.
  var view = D.view || D.bounds;
  function fit(bounds) { map.fitBounds(bounds, {padding: [24, 24], maxZoom: 10}); }
  if (view) { fit(view); } else { map.setView([30, 20], 3); }
  if (D.view && D.bounds) {
    var zoomTo = L.control({position: "topleft"});
    zoomTo.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar");
      [["Defence", "Zoom to the batteries, assets and leaks", D.view],
       ["Whole raid", "Zoom out to every route and range ring", D.bounds]].forEach(function (b) {
        var a = L.DomUtil.create("a", "fit-button", bar);
        a.href = "#"; a.textContent = b[0]; a.title = b[1];
        a.setAttribute("role", "button");
        L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); fit(b[2]); });
      });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    };
    zoomTo.addTo(map);
  }
})();
"""
)
