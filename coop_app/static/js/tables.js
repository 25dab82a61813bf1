// coop_app: tables on a phone. Each data cell gets its column's heading as data-label, and
// the table the class "table-stack": below 576px app.css shows every row as a card of
// labelled lines ("Tanggal  18/11/2026"), so nothing scrolls sideways. Without this file the
// tables stay tables and scroll inside themselves (app.css), so every page still works.
(function () {
  "use strict";
  var headings = function (table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) { return null; }
    var labels = [];
    Array.prototype.forEach.call(rows[rows.length - 1].cells, function (cell) {
      var text = (cell.dataset.label || cell.textContent).replace(/\s+/g, " ").trim();
      for (var i = 0; i < cell.colSpan; i++) { labels.push(cell.colSpan === 1 ? text : ""); }
    });
    return labels;
  };
  var label = function (table) {
    var labels = headings(table);
    if (!labels) { return; }
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) { bodies.push(table.tFoot); }
    bodies.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          // A cell spanning columns (a total, an empty-table note) names no single column.
          var text = cell.colSpan === 1 ? labels[column] : "";
          if (text && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", text); }
          column += cell.colSpan;
        });
      });
    });
    table.classList.add("table-stack");
  };
  document.querySelectorAll("table.table").forEach(label);
})();
