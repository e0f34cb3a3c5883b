/*
 * Quick jump (home page): type a name, typos included, and open its page. Ranking and names
 * come from name-finder.js. Arrow keys move through the matches, Enter opens the highlighted
 * one, Escape clears the box.
 *
 * Markup (site/docs/index.md): a .kp-jump element holding input.kp-jump__input,
 * ul.kp-jump__list (with an id the input's aria-controls names) and p.kp-jump__none.
 */
(function () {
  "use strict";

  var SHOWN = 8;

  function option(list, entry, index) {
    var item = document.createElement("li");
    item.id = list.id + "-" + index;
    item.setAttribute("role", "option");
    var link = document.createElement("a");
    link.href = window.kpNameFinder.pageUrl(entry);
    link.tabIndex = -1;
    // A name is code; a topic's title is words.
    var name = document.createElement(entry.kind === "topic" ? "span" : "code");
    name.textContent = entry.name;
    var kind = document.createElement("span");
    kind.className = "kp-jump__kind";
    kind.textContent = entry.kind;
    link.append(name, " ", kind);
    item.append(link);
    return item;
  }

  function setUp(box) {
    var input = box.querySelector(".kp-jump__input");
    var list = box.querySelector(".kp-jump__list");
    var none = box.querySelector(".kp-jump__none");
    if (!input || !list || !none || box.dataset.kpReady) return;
    box.dataset.kpReady = "true";
    var items = null;
    var active = -1;

    function highlight() {
      Array.from(list.children).forEach(function (item, index) {
        item.setAttribute("aria-selected", String(index === active));
      });
      if (active >= 0) input.setAttribute("aria-activedescendant", list.children[active].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function render() {
      var matches = items ? window.kpNameFinder.rank(input.value, items, SHOWN) : [];
      list.replaceChildren.apply(list, matches.map(function (match, index) {
        return option(list, match.entry, index);
      }));
      active = matches.length ? 0 : -1;
      none.hidden = !(items && input.value.trim() && !matches.length);
      input.setAttribute("aria-expanded", String(matches.length > 0));
      highlight();
    }

    input.addEventListener("input", render);
    input.addEventListener("keydown", function (event) {
      var count = list.children.length;
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + count) % count;
        highlight();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = list.children[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        input.value = "";
        render();
      }
    });

    window.kpNameFinder.load().then(
      function (loaded) {
        items = loaded;
        box.dataset.kpNames = String(items.length);
        render();
      },
      function (error) {
        none.textContent = "The list of names did not load (" + error.message + ").";
        none.hidden = false;
      }
    );
  }

  function init() {
    document.querySelectorAll(".kp-jump").forEach(setUp);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
