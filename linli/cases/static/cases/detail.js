// Case page: a small Leaflet map of the case location (data-* attributes on #case-map).
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("case-map");
    if (!el || typeof L === "undefined") return;
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    if (isNaN(at[0]) || isNaN(at[1])) return;
    var map = LinliMap.create(el, { scrollWheelZoom: false }).setView(at, 17);
    L.marker(at).addTo(map);
  });
})();
