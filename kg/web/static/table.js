// Sortable tables: each column heading becomes a button; a click (or Enter) sorts the rows by
// that column, numbers as numbers, again to reverse. The table reads the same without it.
(function () {
  "use strict";
  function key(text) {
    const n = Number(text);
    return text !== "" && !Number.isNaN(n) ? [0, n] : [1, text.toLowerCase()];
  }
  document.querySelectorAll("table.sortable").forEach((table) => {
    const body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    Array.from(table.tHead.rows[0].cells).forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent;
      th.replaceChildren(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.from(table.tHead.rows[0].cells).forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = key(a.cells[column].textContent), y = key(b.cells[column].textContent);
          const order = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
          return ascending ? order : -order;
        });
        body.append(...rows);
      });
    });
  });
})();
