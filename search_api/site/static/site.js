// Optional: click a column header of a table with class "sortable" to sort its rows. Pages work without it.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.children[index];
    var text = cell ? cell.textContent.trim() : "";
    var number = parseFloat(text.replace(/,/g, ""));
    return isNaN(number) || !/^-?[\d,.]+/.test(text) ? { text: text } : { number: number };
  }
  function compare(a, b) {
    if (a.number !== undefined && b.number !== undefined) return a.number - b.number;
    if (a.number !== undefined) return -1;
    if (b.number !== undefined) return 1;
    return a.text.localeCompare(b.text, "zh-CN");
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var descending = header.getAttribute("aria-sort") !== "descending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1, index), cellValue(r2, index));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.children, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  document.addEventListener("click", function (event) {
    var header = event.target.closest("table.sortable thead th");
    if (!header || event.target.closest("a")) return;
    var table = header.closest("table");
    sortBy(table, Array.prototype.indexOf.call(header.parentNode.children, header), header);
  });
})();
