// coop_app: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // A submitted form disables its buttons, so a double click cannot send it twice.
  // (The server's idempotency key makes a resubmission harmless anyway.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = true; });
  });
  // Buttons with data-confirm ask before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  // Manual journal entry: reveal another blank line.
  document.querySelectorAll("[data-add-line]").forEach(function (button) {
    button.addEventListener("click", function () {
      var hidden = document.querySelector("tr.journal-line.d-none");
      if (hidden) { hidden.classList.remove("d-none"); }
      if (!document.querySelector("tr.journal-line.d-none")) { button.disabled = true; }
    });
  });
  // Manual journal entry: live totals of debits and credits.
  var totals = document.querySelector("[data-line-totals]");
  if (totals) {
    var parse = function (text) {
      var locale = document.documentElement.lang;
      text = (text || "").replace(/\s|Rp/g, "");
      if (locale === "id") { text = text.replace(/\./g, "").replace(",", "."); }
      else { text = text.replace(/,/g, ""); }
      var n = Number(text);
      return isFinite(n) ? Math.round(n * 100) : 0;
    };
    var update = function () {
      var d = 0, c = 0;
      document.querySelectorAll("input[data-debit]").forEach(function (i) { d += parse(i.value); });
      document.querySelectorAll("input[data-credit]").forEach(function (i) { c += parse(i.value); });
      var fmt = function (sen) { return (sen / 100).toLocaleString(document.documentElement.lang === "id" ? "id-ID" : "en-US"); };
      totals.querySelector("[data-total-debit]").textContent = fmt(d);
      totals.querySelector("[data-total-credit]").textContent = fmt(c);
      totals.querySelector("[data-total-diff]").textContent = fmt(d - c);
    };
    document.addEventListener("input", update);
    update();
  }
})();
