/*
 * Every region that scrolls sideways (a code block or one of Material's table wrappers wider
 * than a phone's screen) can be reached and scrolled from the keyboard, and is named.
 * The big tables' own scroll boxes are big-tables.js's.
 */
(function () {
  "use strict";

  function label(element) {
    if (element.matches("pre > code")) return "Code";
    var caption = element.querySelector("caption");
    return caption ? caption.textContent.trim() : "Table";
  }

  function focusable() {
    document.querySelectorAll(".md-typeset pre > code, .md-typeset__scrollwrap")
      .forEach(function (region) {
        if (region.closest(".kp-table") || region.scrollWidth <= region.clientWidth) return;
        if (region.hasAttribute("tabindex")) return;
        region.tabIndex = 0;
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", label(region));
      });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(focusable);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusable);
  } else {
    focusable();
  }
})();
