/* Category suggestion on the intake forms (phone report, staff/hotline intake): as the description is
   written, ask /api/categories/suggest and offer the best categories as buttons; the best one becomes the
   default while the person has not chosen a category themselves.  Text nodes only (no HTML from data). */
(function () {
  "use strict";
  var box = document.getElementById("category-suggestions");
  var select = document.getElementById("id_category");
  var text = document.getElementById("id_description");
  if (!box || !select || !text || !window.fetch) { return; }
  var chosenByHand = !!select.value, timer = null, last = "";

  select.addEventListener("change", function (e) { if (e.isTrusted) { chosenByHand = true; } });

  function optionFor(name) {  // the API answers codes and names; the form's choices are named the same
    return Array.prototype.find.call(select.options, function (o) { return o.value && o.textContent.trim() === name; });
  }

  function choose(option) {
    select.value = option.value;
    select.dispatchEvent(new Event("change"));
  }

  function show(items) {
    box.replaceChildren();
    items = items.map(function (s) { return {name: s.name, option: optionFor(s.name)}; })
      .filter(function (s) { return s.option; }).slice(0, 3);
    if (!items.length) { return; }
    var label = document.createElement("span");
    label.className = "muted";
    label.textContent = box.dataset.label + " ";
    box.appendChild(label);
    items.forEach(function (s) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.textContent = s.name;
      b.addEventListener("click", function () { chosenByHand = true; choose(s.option); });
      box.appendChild(b);
    });
    if (!chosenByHand) { choose(items[0].option); }
  }

  function ask() {
    var value = text.value.trim();
    if (value.length < 4 || value === last) { return; }
    last = value;
    fetch(box.dataset.url + "?text=" + encodeURIComponent(value.slice(0, 500)), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(show)
      .catch(function () { /* no suggestion on a weak network: the person chooses */ });
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 600);
  });
})();
