/*
 * Names first in the site search: above the results of Material's full-text search, the
 * actions and condition keys whose names match the query best, ranked by name-finder.js (typos
 * included). Material's lunr index scores a rare word that starts with the query ("Grantee" for
 * "grant") above the exact word, and does not forgive typos; this list does both.
 *
 * Arrow keys reach the names like any result. Enter in the search box opens the best name when
 * there is one: Material opens the link whose first child carries the highest data-md-score.
 */
(function () {
  "use strict";

  var SHOWN = 5;

  function nameLink(match, index) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.className = "kp-search-names__link";
    link.href = window.kpNameFinder.pageUrl(match.entry);
    // A name is code; a topic's title is words.
    var name = document.createElement(match.entry.kind === "topic" ? "span" : "code");
    name.textContent = match.entry.name;
    name.setAttribute("data-md-score", index === 0 ? "Infinity" : "-Infinity");
    var kind = document.createElement("span");
    kind.className = "kp-search-names__kind";
    kind.textContent = match.entry.kind;
    link.append(name, " ", kind);
    item.append(link);
    return item;
  }

  function setUp() {
    var input = document.querySelector(".md-search__input");
    var result = document.querySelector(".md-search-result");
    if (!input || !result || result.querySelector(".kp-search-names")) return;
    var block = document.createElement("div");
    block.className = "kp-search-names";
    block.hidden = true;
    var heading = document.createElement("p");
    heading.className = "kp-search-names__heading";
    heading.textContent = "Names";
    var list = document.createElement("ol");
    list.className = "kp-search-names__list";
    block.append(heading, list);
    result.insertBefore(block, result.querySelector(".md-search-result__list"));
    var items = null;

    function render() {
      var matches = items ? window.kpNameFinder.rank(input.value, items, SHOWN) : [];
      list.replaceChildren.apply(list, matches.map(nameLink));
      block.hidden = !matches.length;
    }

    function loadAndRender() {
      window.kpNameFinder.load().then(function (loaded) {
        items = loaded;
        render();
      }, function () {
        block.hidden = true;
      });
    }

    input.addEventListener("focus", loadAndRender, { once: true });
    input.addEventListener("input", render);
    if (input.form) {
      input.form.addEventListener("reset", function () { setTimeout(render); });
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
