/* 随手拍 report page and the staff intake map (cases-intake).
   - Photos are resized on the phone (long side <= 1600 px, JPEG, at most 500 KB: lower quality, then smaller,
     until it fits) before upload; the first photo's EXIF GPS (read from the original file, before resizing)
     fills the location when the browser gives none.
   - The draft (text, category, location, client token; photos in IndexedDB) is kept until the server
     confirms, so a weak network loses nothing; a retried submit carries the same token (one case). A lost
     connection or a server error (5xx, a proxy's error page) keeps the form as it is, says so, and is
     retried when the phone is back online or the rider taps submit again.
   - Suspected duplicates nearby are shown before filing. All texts come from data-* attributes. */
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.85, MAX_BYTES = 500 * 1024, DRAFT_KEY = "linli-report-draft", DB = "linli-report", STORE = "photos";
  var CHONGQING = [29.4, 106.53];

  function $(id) { return document.getElementById(id); }
  // Server fragments are parsed into an inert document and their nodes moved over: never assigned as markup.
  function parse(html) { return new DOMParser().parseFromString(html || "", "text/html"); }
  function swapIn(target, source) {
    target.replaceChildren.apply(target, Array.prototype.map.call(source.childNodes, function (n) {
      return document.importNode(n, true);
    }));
  }

  /* --- Map: tap to drop a pin; typed coordinates move it ------------------------------------------ */
  function setupMap(onPick) {
    var el = $("report-map"), lat = $("id_lat"), lng = $("id_lng");
    if (!el || !window.L || !lat || !lng) { return { show: function () {} }; }
    var map = LinliMap.create(el, { scrollWheelZoom: false });
    map.setView(CHONGQING, 12);
    var marker = null;
    function show(a, b) {
      var p = [a, b];
      if (marker) { marker.setLatLng(p); } else { marker = L.marker(p).addTo(map); }
      map.setView(p, Math.max(map.getZoom(), 17));
    }
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      show(e.latlng.lat, e.latlng.lng);
      onPick("map");
    });
    function typed() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      if (isFinite(a) && isFinite(b)) { show(a, b); onPick("typed"); }
    }
    lat.addEventListener("change", typed);
    lng.addEventListener("change", typed);
    if (lat.value && lng.value) { typed(); }
    return { show: show };
  }

  /* --- EXIF GPS of a JPEG (enough of the TIFF format to find tags 1-4 of the GPS IFD) -------------- */
  function exifGps(buffer) {
    try {
      var v = new DataView(buffer), off = 2;
      if (v.getUint16(0) !== 0xFFD8) { return null; }
      while (off + 4 < v.byteLength) {
        var marker = v.getUint16(off), len = v.getUint16(off + 2);
        if (marker === 0xFFE1 && v.getUint32(off + 4) === 0x45786966) { return tiffGps(v, off + 10); }
        if ((marker & 0xFF00) !== 0xFF00) { return null; }
        off += 2 + len;
      }
    } catch (e) { /* broken EXIF: no position */ }
    return null;
  }
  function tiffGps(v, t) {
    var le = v.getUint16(t) === 0x4949;
    function u16(o) { return v.getUint16(t + o, le); }
    function u32(o) { return v.getUint32(t + o, le); }
    function entries(ifd) {
      var n = u16(ifd), out = {};
      for (var i = 0; i < n; i++) { var e = ifd + 2 + i * 12; out[u16(e)] = e; }
      return out;
    }
    var ifd0 = entries(u32(4));
    if (!ifd0[0x8825]) { return null; }
    var gps = entries(u32(ifd0[0x8825] + 8));
    function rationals(e) {
      var o = u32(e + 8), r = [];
      for (var i = 0; i < 3; i++) { r.push(u32(o + i * 8) / u32(o + i * 8 + 4)); }
      return r[0] + r[1] / 60 + r[2] / 3600;
    }
    function ref(e) { return String.fromCharCode(v.getUint8(t + e + 8)); }
    if (!gps[2] || !gps[4]) { return null; }
    var lat = rationals(gps[2]), lng = rationals(gps[4]);
    if (gps[1] && ref(gps[1]) === "S") { lat = -lat; }
    if (gps[3] && ref(gps[3]) === "W") { lng = -lng; }
    if (!isFinite(lat) || !isFinite(lng) || (lat === 0 && lng === 0)) { return null; }
    return [lat, lng];
  }

  /* --- Resize on the phone -------------------------------------------------------------------------- */
  function encode(img, side, quality) {
    var scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) { if (blob) { resolve(blob); } else { reject(new Error("resize")); } },
                    "image/jpeg", quality);
    });
  }
  function resize(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        var side = MAX_SIDE, quality = QUALITY;
        function attempt() {  /* quality down to 0.55 first, then a fifth smaller each time */
          encode(img, side, quality).then(function (blob) {
            if (blob.size <= MAX_BYTES || side < 400) { resolve(blob); return; }
            if (quality > 0.6) { quality -= 0.15; } else { side = Math.round(side * 0.8); }
            attempt();
          }, reject);
        }
        attempt();
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("image")); };
      img.src = url;
    });
  }

  /* --- Draft storage: text in localStorage, photos in IndexedDB -------------------------------------- */
  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { resolve(null); };
    });
  }
  function savePhotos(db, blobs) {
    if (!db) { return; }
    try { db.transaction(STORE, "readwrite").objectStore(STORE).put(blobs, "draft"); } catch (e) { /* full */ }
  }
  function loadPhotos(db) {
    return new Promise(function (resolve) {
      if (!db) { resolve([]); return; }
      var req = db.transaction(STORE, "readonly").objectStore(STORE).get("draft");
      req.onsuccess = function () { resolve(req.result || []); };
      req.onerror = function () { resolve([]); };
    });
  }

  function reportPage(form) {
    var d = form.dataset, max = parseInt(d.maxPhotos, 10) || 3;
    var input = $("id_photos"), list = $("report-photos"), status = $("report-status");
    var locStatus = $("report-location-status"), source = $("id_location_source");
    var lat = $("id_lat"), lng = $("id_lng"), token = $("id_client_token");
    var category = form.querySelector("[name=category]"), text = form.querySelector("[name=description]");
    var blobs = [], db = null, sending = false;

    function say(msg) { status.textContent = msg; }
    function saveDraft() {
      try {
        localStorage.setItem(DRAFT_KEY, JSON.stringify({
          token: token.value, category: category.value, description: text.value,
          lat: lat.value, lng: lng.value, source: source.value }));
      } catch (e) { /* private mode */ }
      savePhotos(db, blobs);
    }
    function clearDraft() {
      try { localStorage.removeItem(DRAFT_KEY); } catch (e) { /* ignore */ }
      savePhotos(db, []);
    }
    function located(kind) { source.value = kind; saveDraft(); checkDuplicates(); }
    var map = setupMap(located);

    function renderPhotos() {
      list.replaceChildren();
      blobs.forEach(function (blob, i) {
        var li = document.createElement("li"), img = document.createElement("img"), b = document.createElement("button");
        img.src = URL.createObjectURL(blob);
        img.alt = "";
        b.type = "button";
        b.textContent = d.msgRemove;
        b.addEventListener("click", function () { blobs.splice(i, 1); renderPhotos(); saveDraft(); });
        li.appendChild(img);
        li.appendChild(b);
        list.appendChild(li);
      });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      if (blobs.length + files.length > max) { say(d.msgTooMany); files = files.slice(0, max - blobs.length); }
      var first = files[0];
      var gpsDone = (!first || lat.value) ? Promise.resolve() : first.arrayBuffer().then(function (buf) {
        var p = exifGps(buf);
        if (p && !lat.value) {
          lat.value = p[0].toFixed(6); lng.value = p[1].toFixed(6);
          map.show(p[0], p[1]);
          locStatus.textContent = d.msgPhotoLocated;
          located("photo");
        }
      }).catch(function () {});
      Promise.all([gpsDone].concat(files.map(resize))).then(function (results) {
        blobs = blobs.concat(results.slice(1));
        input.value = "";
        renderPhotos();
        saveDraft();
      }).catch(function () { say(d.msgOffline); });
    });

    var locate = $("report-locate");
    function geolocate() {
      if (!navigator.geolocation) { locStatus.textContent = d.msgNoLocation; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        map.show(pos.coords.latitude, pos.coords.longitude);
        locStatus.textContent = d.msgLocated;
        located("gps");
      }, function () { locStatus.textContent = d.msgNoLocation; }, { enableHighAccuracy: true, timeout: 15000 });
    }
    locate.addEventListener("click", geolocate);

    var preview = $("report-duplicates-preview");
    function checkDuplicates() {
      if (!category.value || !lat.value || !lng.value) { preview.replaceChildren(); return; }
      var q = new URLSearchParams({ category: category.value, lat: lat.value, lng: lng.value });
      fetch(d.duplicatesUrl + "?" + q, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { swapIn(preview, parse(html).body); })
        .catch(function () { /* offline: the server checks again on submit */ });
    }
    category.addEventListener("change", function () { saveDraft(); checkDuplicates(); });
    text.addEventListener("input", saveDraft);

    function submit() {
      if (sending) { return; }
      sending = true;
      saveDraft();
      say(d.msgSending);
      var data = new FormData(form);
      data.delete("photos");
      blobs.forEach(function (blob, i) { data.append("photos", blob, "photo-" + (i + 1) + ".jpg"); });
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) {
          if (r.ok && r.redirected) { clearDraft(); window.location.assign(r.url); return null; }
          return r.text().then(function (html) {
            var doc = parse(html);
            var feedback = doc.getElementById("report-feedback");
            if (!feedback) { say(d.msgOffline); return; }  /* a server or proxy error page: keep all, retry */
            swapIn($("report-feedback"), feedback);
            var confirm = doc.getElementById("id_confirm_new");
            if (confirm) { $("id_confirm_new").value = confirm.value; }
            say("");
            $("report-feedback").scrollIntoView({ behavior: "smooth" });
          });
        })
        .catch(function () { say(d.msgOffline); })
        .then(function () { sending = false; });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
    document.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("[data-confirm-new]");
      if (b) { e.preventDefault(); $("id_confirm_new").value = "1"; submit(); }
    });
    window.addEventListener("online", function () { if (status.textContent === d.msgOffline) { submit(); } });

    /* Restore the draft of an unconfirmed report. */
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null"); } catch (e) { draft = null; }
    if (draft && draft.token) {
      token.value = draft.token;
      if (draft.category && !category.value) { category.value = draft.category; }
      if (draft.description && !text.value) { text.value = draft.description; }
      if (draft.lat && !lat.value) { lat.value = draft.lat; lng.value = draft.lng; source.value = draft.source || "";
        map.show(parseFloat(draft.lat), parseFloat(draft.lng)); }
      say(d.msgSaved);
    }
    openDb().then(function (opened) {
      db = opened;
      return loadPhotos(db);
    }).then(function (saved) {
      if (draft && draft.token && saved.length) { blobs = saved.slice(0, max); renderPhotos(); }
      saveDraft();
      checkDuplicates();
      if (!lat.value) { geolocate(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = $("report-form");
    if (form) { reportPage(form); return; }
    if (document.querySelector("[data-report-done]")) {  /* confirmed by the server: drop the draft */
      try { localStorage.removeItem(DRAFT_KEY); } catch (e) { /* ignore */ }
      openDb().then(function (db) { savePhotos(db, []); });
      return;
    }
    setupMap(function () {});
  });
})();
