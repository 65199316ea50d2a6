// The visit form takes the phone's location (electronic visit verification) when the browser allows it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-geolocate]");
  if (!form || !navigator.geolocation) { return; }
  var status = document.getElementById("visit-location");
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
    form.querySelector("input[name=lng]").value = pos.coords.longitude.toFixed(6);
    if (status) { status.textContent = status.dataset.ok; }
  }, function () {
    if (status) { status.textContent = status.dataset.none; }
  }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
})();
