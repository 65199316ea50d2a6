// Public map: the cases of the last 90 days from the GeoJSON endpoint (no personal data in it).
(function () {
  function textNode(value) { return document.createTextNode(value == null ? "" : String(value)); }
  function popup(p, el) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.appendChild(textNode(p.category));
    box.appendChild(title);
    [p.status_label, p.grid, el.dataset.labelReported + " " + p.reported,
     p.closed ? el.dataset.labelClosed + " " + p.closed : null].forEach(function (line) {
      if (!line) return;
      box.appendChild(document.createElement("br"));
      box.appendChild(textNode(line));
    });
    return box;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("public-map");
    if (!el || typeof L === "undefined") return;
    var map = LinliMap.create(el).setView([29.4, 106.55], 12);
    fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (f, latlng) {
            var closed = f.properties.status === "closed";
            return L.circleMarker(latlng, { radius: 6, weight: 1, color: closed ? "#1e7d32" : "#b3261e",
                                            fillOpacity: 0.7 });
          },
          onEachFeature: function (f, l) { l.bindPopup(popup(f.properties, el)); }
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 16 });
        var status = document.getElementById("public-map-status");
        if (status) status.textContent = data.features.length + " " + el.dataset.labelCount;
      });
  });
})();
