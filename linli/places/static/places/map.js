/* Grid maps (Leaflet).  Reads everything from data attributes:
   [data-geojson-url]: the grids of the user's scope, with popups linking to each grid page;
   [data-boundary]: one grid's boundary (grid page);
   [data-point-lat][data-point-lng]: one marked point (building page). */
(function () {
  "use strict";
  var STYLE = { color: "#b3261e", weight: 2, fillOpacity: 0.12 };
  var CHONGQING = [29.4, 106.53];

  function baseMap(el) {
    var map = LinliMap.create(el, { scrollWheelZoom: false });
    map.setView(CHONGQING, 12);
    return map;
  }

  // Leaflet treats a string as HTML: popups and tooltips always get DOM nodes built from text.
  function textNode(value) { return document.createTextNode(value == null ? "" : String(value)); }

  function popup(feature, openLabel) {
    var p = feature.properties || {};
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = p.name || "";
    box.appendChild(title);
    var meta = document.createElement("div");
    meta.textContent = [p.community, p.code].filter(Boolean).join(" · ");
    box.appendChild(meta);
    if (p.url) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = openLabel;
      box.appendChild(link);
    }
    return box;
  }

  function gridsMap(el) {
    var map = baseMap(el);
    var lat = document.getElementById("locate-lat");
    var lng = document.getElementById("locate-lng");
    var marker = null;
    if (lat && lng) {
      map.on("click", function (e) {
        lat.value = e.latlng.lat.toFixed(6);
        lng.value = e.latlng.lng.toFixed(6);
        if (marker) { marker.setLatLng(e.latlng); } else { marker = L.circleMarker(e.latlng, { radius: 6 }).addTo(map); }
      });
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: STYLE,
          onEachFeature: function (f, l) { l.bindPopup(popup(f, el.dataset.openLabel)); l.bindTooltip(textNode((f.properties || {}).name)); }
        }).addTo(map);
        if (data.features.length) { fit(map, layer); }
        else { var empty = document.getElementById("grid-map-empty"); if (empty) { empty.hidden = false; } }
      })
      .catch(function () {
        var msg = document.createElement("p");
        msg.className = "error";
        msg.setAttribute("role", "alert");
        msg.textContent = el.dataset.errorLabel;
        el.insertAdjacentElement("afterend", msg);
      });
  }

  function fit(map, layer) {
    // The container may still be settling into its grid column: measure again before fitting.
    map.invalidateSize();
    map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  }

  function boundaryMap(el) {
    var map = baseMap(el);
    var layer = L.geoJSON(JSON.parse(el.dataset.boundary), { style: STYLE }).addTo(map);
    fit(map, layer);
    window.addEventListener("load", function () { fit(map, layer); });
  }

  function pointMap(el) {
    var map = baseMap(el);
    var at = [parseFloat(el.dataset.pointLat), parseFloat(el.dataset.pointLng)];
    if (isNaN(at[0]) || isNaN(at[1])) { return; }
    var marker = L.circleMarker(at, { radius: 8, color: STYLE.color, weight: 2, fillOpacity: 0.6 }).addTo(map);
    if (el.dataset.pointLabel) { marker.bindTooltip(textNode(el.dataset.pointLabel)); }
    map.setView(at, 17);
    window.addEventListener("load", function () { map.invalidateSize(); map.setView(at, 17); });
  }

  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-geojson-url]").forEach(gridsMap);
    document.querySelectorAll("[data-boundary]").forEach(boundaryMap);
    document.querySelectorAll("[data-point-lat]").forEach(pointMap);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
