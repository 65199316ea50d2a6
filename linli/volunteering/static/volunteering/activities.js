/* volunteering pages: the activity map (show or pick a point), the phone's position on check-in, print. */
(function () {
  "use strict";
  // Leaflet treats a string as HTML: the popup gets a DOM text node, never the place name as markup.
  function textNode(value) { return document.createTextNode(value == null ? "" : String(value)); }
  var mapEl = document.getElementById("activity-map");
  if (mapEl && window.L) {
    var lat = parseFloat(mapEl.dataset.lat), lng = parseFloat(mapEl.dataset.lng);
    var map = LinliMap.create(mapEl);
    var marker = null;
    if (!isNaN(lat) && !isNaN(lng)) {
      marker = L.marker([lat, lng]).addTo(map);
      if (mapEl.dataset.label) { marker.bindPopup(textNode(mapEl.dataset.label)); }
      map.setView([lat, lng], 16);
    } else {
      map.setView([29.38, 106.54], 13);
    }
    if (mapEl.dataset.pick) {
      var latInput = document.getElementById(mapEl.dataset.latInput);
      var lngInput = document.getElementById(mapEl.dataset.lngInput);
      var place = function (p) {
        if (marker) { marker.setLatLng(p); } else { marker = L.marker(p).addTo(map); }
      };
      if (latInput.value && lngInput.value) {
        var p0 = [parseFloat(latInput.value), parseFloat(lngInput.value)];
        place(p0); map.setView(p0, 16);
      }
      map.on("click", function (e) {
        place(e.latlng);
        latInput.value = e.latlng.lat.toFixed(6);
        lngInput.value = e.latlng.lng.toFixed(6);
      });
    }
  }
  var form = document.getElementById("checkin-form");
  if (form && navigator.geolocation) {
    var status = document.getElementById("geo-status");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      if (status && status.dataset.ok) { status.textContent = status.dataset.ok; }
    }, function () { /* no position: check-in is still allowed */ }, {enableHighAccuracy: true, timeout: 8000});
  }
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
