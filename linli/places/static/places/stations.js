/* Service stations (Leaflet).  Everything comes from data attributes and JSON; popups get DOM text nodes.
   #station-map[data-stations-url]: the finder's stations; tapping the map measures from that place.
   #station-locate: fills the hidden lat/lng from the phone's position and submits the search.
   #coverage-map[data-coverage-url]: grids, their uncovered parts and the open stations. */
(function () {
  "use strict";
  var CHONGQING = [29.4, 106.53];

  function baseMap(el) {
    var map = LinliMap.create(el, { scrollWheelZoom: false });
    map.setView(CHONGQING, 13);
    return map;
  }

  function textBox(lines, href) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (!line) { return; }
      var node = document.createElement(i === 0 ? "strong" : "div");
      node.textContent = line;
      box.appendChild(node);
    });
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = lines[0] || href;
      box.replaceChild(a, box.firstChild);
    }
    return box;
  }

  function fill(form, lat, lng) {
    form.elements.lat.value = lat.toFixed(6);
    form.elements.lng.value = lng.toFixed(6);
    if (form.elements.community) { form.elements.community.value = ""; }
  }

  function finderMap(el) {
    var map = baseMap(el);
    var form = document.getElementById("station-search");
    fetch(el.dataset.stationsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var points = [];
        data.stations.forEach(function (s) {
          var m = L.circleMarker([s.lat, s.lng], { radius: 8, weight: 2, color: s.open_now ? "#137333" : "#777",
                                                    fillOpacity: s.open_now ? 0.7 : 0.3 }).addTo(map);
          var dist = s.distance_m === null ? "" : s.distance_m + " m";
          m.bindPopup(textBox([s.name, s.status, dist, s.address], s.url));
          points.push([s.lat, s.lng]);
        });
        if (data.origin) {
          L.circleMarker([data.origin.lat, data.origin.lng], { radius: 6, color: "#1a5fb4", fillOpacity: 1 })
            .addTo(map).bindTooltip(document.createTextNode(el.dataset.hereLabel));
          points.push([data.origin.lat, data.origin.lng]);
        }
        if (points.length) { map.invalidateSize(); map.fitBounds(points, { padding: [24, 24], maxZoom: 16 }); }
      })
      .catch(function () { /* the list below the map still works */ });
    if (form) {
      map.on("click", function (e) { fill(form, e.latlng.lat, e.latlng.lng); form.submit(); });
    }
  }

  function locateButton(button) {
    var form = document.getElementById("station-search");
    var status = document.getElementById("station-geo-status");
    if (!form || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        fill(form, pos.coords.latitude, pos.coords.longitude);
        form.submit();
      }, function () { if (status) { status.textContent = button.dataset.denied; } },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  function coverageMap(el) {
    var map = baseMap(el);
    fetch(el.dataset.coverageUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var grids = L.geoJSON(null, { style: { color: "#555", weight: 1, fillOpacity: 0.02 } }).addTo(map);
        var gaps = L.geoJSON(null, { style: { color: "#b3261e", weight: 1, fillOpacity: 0.35 } }).addTo(map);
        data.features.forEach(function (f) {
          var p = f.properties;
          if (p.kind === "grid") {
            grids.addData(f);
          } else if (p.kind === "uncovered") {
            gaps.addData(f);
          } else {
            var c = f.geometry.coordinates;
            L.circle([c[1], c[0]], { radius: data.radius_m, color: "#137333", weight: 1, fillOpacity: 0.08 }).addTo(map);
            L.circleMarker([c[1], c[0]], { radius: 5, color: "#137333", fillOpacity: 1 }).addTo(map)
              .bindTooltip(document.createTextNode(p.name));
          }
        });
        grids.eachLayer(function (l) {
          var p = l.feature.properties;
          l.bindTooltip(document.createTextNode(p.name + " " + p.uncovered_percent + "%"));
        });
        if (grids.getLayers().length) { map.invalidateSize(); map.fitBounds(grids.getBounds(), { padding: [12, 12] }); }
      })
      .catch(function () {
        var msg = document.createElement("p");
        msg.className = "error";
        msg.setAttribute("role", "alert");
        msg.textContent = el.dataset.errorLabel;
        el.insertAdjacentElement("afterend", msg);
      });
  }

  function init() {
    var locate = document.getElementById("station-locate");
    if (locate) { locateButton(locate); }
    if (typeof L === "undefined") { return; }
    var finder = document.getElementById("station-map");
    if (finder) { finderMap(finder); }
    var cov = document.getElementById("coverage-map");
    if (cov) { coverageMap(cov); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
