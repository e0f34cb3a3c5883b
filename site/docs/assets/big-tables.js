/*
 * Big tables: a scroll box of bounded height with a sticky header row and first column,
 * sortable columns (vendored tablesort) and a filter box above the table. In every table, names
 * in code (kms:CancelKeyDeletion) break only between their words.
 *
 * Contract, for the site generator and hand-written pages (also in site/README.md): wrap one
 * Markdown table in a div (the md_in_html extension is on):
 *
 *   <div class="kp-table" markdown>            a big table: all of the above
 *   <div class="kp-table kp-table--compact" markdown>
 *                                              also rotated column headers (full names in a
 *                                              title tooltip), with a button for full headers
 *   <div class="kp-table--none" markdown>      never a big table
 *
 * A table outside these wrappers with more than AUTO_ROWS body rows or more than AUTO_COLUMNS
 * columns is wrapped as a big table, and as a compact one with more than COMPACT_COLUMNS columns.
 * tablesort's own attributes work: data-sort="value" on a cell sorts by that value instead of
 * its text, data-sort-method="none" on a header cell makes that column unsortable. A header of
 * several rows (groups of columns above the columns, written as HTML) sorts and rotates by its
 * last row; the rows stick one under the other.
 */
(function () {
  "use strict";

  var AUTO_ROWS = 20;
  var AUTO_COLUMNS = 8;
  var COMPACT_COLUMNS = 15;
  // After ":", "/", "|" and "-", and where a capital starts a word: kms: Cancel Key Deletion.
  var WORD_BOUNDARY = /(?<=[:/|-])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

  function columnCount(table) {
    return table.rows.length ? table.rows[0].cells.length : 0;
  }

  function bodyRows(table) {
    return table.tBodies.length ? Array.from(table.tBodies[0].rows) : [];
  }

  function wrapBigTables(root) {
    root.querySelectorAll(".md-typeset table").forEach(function (table) {
      if (table.closest(".kp-table, .kp-table--none")) return;
      var columns = columnCount(table);
      if (columns <= AUTO_COLUMNS && bodyRows(table).length <= AUTO_ROWS) return;
      var wrapper = document.createElement("div");
      wrapper.className = "kp-table" + (columns > COMPACT_COLUMNS ? " kp-table--compact" : "");
      var outer = table.closest(".md-typeset__scrollwrap") || table;
      outer.replaceWith(wrapper);
      wrapper.append(outer);
    });
  }

  // A <wbr> between the words of a name, and the kp-name class that stops breaks anywhere else.
  function breakBetweenWords(code) {
    if (code.children.length) return;
    var parts = code.textContent.split(WORD_BOUNDARY);
    if (parts.length < 2) return;
    code.classList.add("kp-name");
    code.textContent = "";
    parts.forEach(function (part, index) {
      if (index) code.append(document.createElement("wbr"));
      code.append(part);
    });
  }

  // Material wraps tables in its own scrolling divs, before or after this runs; the CSS stops
  // those from scrolling, so that this box is the one the sticky cells stick to.
  function putInScrollBox(table, label) {
    var box = document.createElement("div");
    box.className = "kp-table__scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    table.replaceWith(box);
    box.append(table);
  }

  function tableLabel(wrapper) {
    var node = wrapper;
    while (node && node.previousElementSibling === null) node = node.parentElement;
    for (node = node && node.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.replace(/¶$/, "").trim();
    }
    return "Table";
  }

  // What the filter matches in a row: its text and, in a table whose header names are its
  // data (the matrix: a mark in a key's column), the header of each column it fills.
  function rowText(table, row) {
    var text = row.textContent;
    var header = table.closest(".kp-table--compact") && lastHeaderRow(table);
    if (header) {
      Array.from(row.cells).forEach(function (cell, index) {
        var th = header.cells[index];
        if (index && th && cell.textContent.trim()) text += " " + th.textContent;
      });
    }
    return text.toLowerCase();
  }

  function filterBox(table, count) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "kp-table__filter";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var rows = bodyRows(table);
    var texts = new Map(rows.map(function (row) { return [row, rowText(table, row)]; }));
    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = texts.get(row);
        row.hidden = !terms.every(function (term) { return text.includes(term); });
        if (!row.hidden) shown += 1;
      });
      count.textContent = terms.length
        ? shown + " of " + rows.length + " rows"
        : rows.length + " rows";
    }
    input.addEventListener("input", apply);
    apply();
    return input;
  }

  // Each header row sticks below the rows above it (their heights change with the compact
  // toggle and the window's width).
  function stackHeaderRows(table) {
    if (!table.tHead || table.tHead.rows.length < 2) return;
    var top = 0;
    Array.from(table.tHead.rows).forEach(function (row) {
      Array.from(row.cells).forEach(function (cell) {
        cell.style.top = "calc(var(--kp-sticky-top, 0px) + " + top + "px)";
      });
      top += row.getBoundingClientRect().height;
    });
  }

  // A table as wide as the page or narrower scrolls with the page (its header sticks below the
  // site's header); only a wider one gets the scroll box, for its sticky first column.
  function fitOrScroll(wrapper) {
    var box = wrapper.querySelector(".kp-table__scroll");
    var table = box && box.querySelector("table");
    if (!table) return;
    wrapper.classList.remove("kp-table--fits");
    var fits = table.scrollWidth <= box.clientWidth + 1;
    wrapper.classList.toggle("kp-table--fits", fits);
    if (fits) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
    } else {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
    }
    stackHeaderRows(table);
  }

  function compactToggle(wrapper) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kp-table__toggle";
    button.textContent = "Compact headers";
    button.setAttribute("aria-pressed", "true");
    button.addEventListener("click", function () {
      var full = wrapper.classList.toggle("kp-table--full");
      button.setAttribute("aria-pressed", String(!full));
      fitOrScroll(wrapper);
    });
    return button;
  }

  function lastHeaderRow(table) {
    return table.tHead && table.tHead.rows.length
      ? table.tHead.rows[table.tHead.rows.length - 1]
      : null;
  }

  function labelCompactHeaders(table) {
    var row = lastHeaderRow(table);
    if (!row) return;
    row.querySelectorAll("th:not(:first-child)").forEach(function (th) {
      th.title = th.textContent.trim();
      var label = document.createElement("span");
      label.className = "kp-table__label";
      label.append.apply(label, Array.from(th.childNodes));
      th.append(label);
    });
  }

  function makeSortable(table) {
    if (typeof Tablesort === "undefined" || !table.tHead) return;
    // A link in a header opens its page without sorting the column.
    table.tHead.querySelectorAll("a").forEach(function (link) {
      ["click", "keydown"].forEach(function (type) {
        link.addEventListener(type, function (event) { event.stopPropagation(); });
      });
    });
    new Tablesort(table);
    table.addEventListener("afterSort", function () { blanksLast(table); });
  }

  // Rows whose cell in the sorted column is empty go last, in either direction, in the order
  // the sort gave them: a column of marks sorts the marked rows first.
  function blanksLast(table) {
    var th = table.tHead && table.tHead.querySelector("th[aria-sort]");
    if (!th) return;
    var body = table.tBodies[0];
    bodyRows(table).forEach(function (row) {
      var cell = row.cells[th.cellIndex];
      var value = cell ? cell.getAttribute("data-sort") || cell.textContent : "";
      if (!value.trim()) body.appendChild(row);
    });
  }

  function setUp(wrapper) {
    var table = wrapper.querySelector("table");
    if (!table || wrapper.dataset.kpReady) return;
    wrapper.dataset.kpReady = "true";
    var bar = document.createElement("div");
    bar.className = "kp-table__bar";
    var count = document.createElement("span");
    count.className = "kp-table__count";
    count.setAttribute("aria-live", "polite");
    bar.append(filterBox(table, count), count);
    if (wrapper.classList.contains("kp-table--compact")) {
      labelCompactHeaders(table);
      bar.append(compactToggle(wrapper));
    }
    wrapper.prepend(bar);
    putInScrollBox(table, tableLabel(wrapper));
    fitOrScroll(wrapper);
    window.addEventListener("resize", function () { fitOrScroll(wrapper); });
    makeSortable(table);
    if (table.tHead && table.tHead.rows.length > 1) {
      stackHeaderRows(table);
      window.addEventListener("resize", function () { stackHeaderRows(table); });
    }
  }

  function init() {
    document.querySelectorAll(".md-typeset table code").forEach(breakBetweenWords);
    wrapBigTables(document);
    document.querySelectorAll(".kp-table").forEach(setUp);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
