/* The one way every Linli page makes a Leaflet map: LinliMap.create(el, leafletOptions).
   Its <script> tag (templates/_map_scripts.html) carries the tile preset from the settings:
   - data-tiles, data-overlay, data-subdomains, data-attribution: the tile layers (LINLI_MAP_TILES / LINLI_TILE_URL);
   - data-crs="gcj02" (AMap): the map projects through gcoord (vendor/gcoord.min.js), so that every latitude and
     longitude Linli stores and every click it reads stays WGS-84; only the drawing is shifted to GCJ-02;
   - data-basemap: the local basemap (grid polygons and buildings, GeoJSON) shown instead of tiles when there are
     none (preset "local") or when they cannot be loaded (a street office's intranet);
   - data-marker-*: Leaflet's default marker icons (their hashed static names, which Leaflet cannot guess). */
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script ? script.dataset : {};
  if (!window.L) { return; }

  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({ iconUrl: cfg.markerIcon, iconRetinaUrl: cfg.markerIcon2x, shadowUrl: cfg.markerShadow });

  function gcjCrs() {
    var merc = L.Projection.SphericalMercator;
    var projection = {
      bounds: merc.bounds,
      project: function (latlng) {
        var p = window.gcoord.transform([latlng.lng, latlng.lat], window.gcoord.WGS84, window.gcoord.GCJ02);
        return merc.project(L.latLng(p[1], p[0]));
      },
      unproject: function (point) {
        var ll = merc.unproject(point);
        var p = window.gcoord.transform([ll.lng, ll.lat], window.gcoord.GCJ02, window.gcoord.WGS84);
        return L.latLng(p[1], p[0]);
      }
    };
    return L.extend({}, L.CRS.EPSG3857, { code: "LINLI:GCJ02", projection: projection });
  }

  var basemapData = null;
  function loadBasemap() {
    if (!basemapData && cfg.basemap) {
      basemapData = fetch(cfg.basemap, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    return basemapData || Promise.reject(new Error("no basemap"));
  }

  // The plain local basemap: light grid polygons and building dots, under whatever the page draws.
  function showBasemap(map) {
    if (map._linliBasemap) { return; }
    map._linliBasemap = true;
    map.getContainer().classList.add("map-offline");
    var note = L.control({ position: "bottomleft" });
    note.onAdd = function () {
      var box = L.DomUtil.create("div", "map-offline-note");
      box.textContent = cfg.offlineLabel || "";
      return box;
    };
    note.addTo(map);
    loadBasemap().then(function (data) {
      var pane = map.createPane("linli-basemap");
      pane.style.zIndex = 250;  // above the (empty) tile pane, below the page's own layers
      L.geoJSON(data, {
        pane: "linli-basemap", interactive: false,
        style: function (f) {
          return f.properties.kind === "grid" ? { color: "#767676", weight: 1, fillColor: "#f5f5f5", fillOpacity: 1 }
                                              : { color: "#555", weight: 1 };
        },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { pane: "linli-basemap", radius: 3, color: "#555", weight: 1, fillOpacity: 0.6 });
        }
      }).addTo(map);
    }).catch(function () { /* nothing more to draw: the page's own layers are still there */ });
  }

  function addTiles(map) {
    if (!cfg.tiles || navigator.onLine === false) { showBasemap(map); return; }
    var options = { maxZoom: 19, attribution: cfg.attribution, subdomains: cfg.subdomains || "abc" };
    var tiles = L.tileLayer(cfg.tiles, options).addTo(map);
    if (cfg.overlay) { L.tileLayer(cfg.overlay, L.extend({}, options, { attribution: "" })).addTo(map); }
    var loaded = 0, failed = 0;
    tiles.on("tileload", function () { loaded += 1; });
    tiles.on("tileerror", function () {
      failed += 1;
      if (!loaded && failed >= 2) { showBasemap(map); }
    });
  }

  window.LinliMap = {
    crs: cfg.crs === "gcj02" && window.gcoord ? gcjCrs() : L.CRS.EPSG3857,
    create: function (el, options) {
      var map = L.map(el, L.extend({ crs: window.LinliMap.crs }, options || {}));
      addTiles(map);
      return map;
    }
  };
})();
