// The region pickers (admin/region_fields.py). Every form works without this file: a
// cooperative's lists are then filled by the server ("Show the list"), and an auditor's
// kabupaten/kota list holds every province's. With it, choosing a level fills the list
// below it at once, and the kabupaten/kota list shows only the chosen province's.
(function () {
  "use strict";
  var box = document.getElementById("region");
  if (box && box.dataset.childrenUrl && window.fetch) {
    var names = ["province_code", "kabupaten_code", "kecamatan_code", "village_code"];
    var selects = names.map(function (name) { return document.getElementById(name); });
    var reset = function (select, text) {
      select.innerHTML = "";
      select.add(new Option(text, ""));
      select.value = "";
    };
    var fill = function (index) {
      var parent = selects[index].value;
      for (var i = index + 1; i < selects.length; i++) { reset(selects[i], selects[i].dataset.waiting); }
      if (!parent || index + 1 >= selects.length) { return; }
      var next = selects[index + 1];
      var url = box.dataset.childrenUrl + "?parent=" + encodeURIComponent(parent);
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (regions) {
          if (!regions || selects[index].value !== parent) { return; }
          reset(next, "—");
          regions.forEach(function (region) { next.add(new Option(region.name, region.code)); });
        });
    };
    if (selects.every(Boolean)) {
      selects.forEach(function (select, index) {
        select.addEventListener("change", function () { fill(index); });
      });
      box.querySelectorAll("[data-region-refresh]").forEach(function (el) { el.hidden = true; });
    }
  }
  // An auditor's grant: the kabupaten/kota of the chosen province only.
  var province = document.getElementById("scope_province");
  var kabupaten = document.getElementById("scope_kabupaten");
  if (province && kabupaten) {
    var narrow = function () {
      var chosen = province.value ? province.options[province.selectedIndex].text : "";
      kabupaten.querySelectorAll("optgroup").forEach(function (group) {
        var shown = !chosen || group.label === chosen || group.label === "";
        group.hidden = !shown;
        group.disabled = !shown;
      });
      var option = kabupaten.options[kabupaten.selectedIndex];
      if (option && option.parentNode.disabled) { kabupaten.value = ""; }
    };
    province.addEventListener("change", narrow);
    narrow();
  }
})();
