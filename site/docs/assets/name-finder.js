/*
 * Name finder: ranks the site's action and condition key names against a query, typos
 * included. Used by the home page's quick-jump box (quick-jump.js) and by the names shown on top
 * of the site search's results (search-names.js).
 *
 * Names come from assets/names.json, which site/hooks.py writes at build time from the pages
 * under actions/, condition-keys/ and topics/ (title and URL of each, URLs relative to the site
 * root; a topic's name is its title, "Multi-Region keys"):
 *   [{"name": "kms:Decrypt", "kind": "action", "url": "actions/Decrypt/"}, ...]
 *
 * Ranking, best first, ignoring case, spaces and the "kms:" / "aws:" prefix:
 *   0 the whole name;  1 whole words of it ("grant" in kms:CreateGrant);  2 its start;
 *   3 the start of one of its words ("grant" in kms:ListGrants);  4 any part of it;
 *   5 the whole name within a few typos (Damerau-Levenshtein, optimal string alignment: "Decrpyt"
 *     is one transposition from kms:Decrypt);  6 its start within a few typos.
 * A word ends where its letters do ("context" is a whole word of kms:EncryptionContext:${...}).
 * Within a rank fewer typos come first, then actions before condition keys, then the shorter
 * name, placeholders left out (the query covers more of it), then the alphabet. Queries under 4 characters allow no typo, under 7 one, longer ones two.
 */
(function () {
  "use strict";

  // Topics' titles have spaces: a word ends there too, and the spaces are not part of the name
  // the query is matched against ("key rotation" and "keyrotation" find "Key rotation").
  var WORD_BOUNDARY = /(?<=[:/|{}\s-])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;
  var loaded = null;

  function maxTypos(query) {
    if (query.length < 4) return 0;
    return query.length < 7 ? 1 : 2;
  }

  // Edit distances from `query` to the whole of `name` and to its closest prefix, in one table.
  function editDistances(query, name) {
    var rows = [];
    for (var i = 0; i <= query.length; i++) {
      rows.push(new Array(name.length + 1).fill(0));
      rows[i][0] = i;
    }
    for (var j = 0; j <= name.length; j++) rows[0][j] = j;
    for (i = 1; i <= query.length; i++) {
      for (j = 1; j <= name.length; j++) {
        var cost = query[i - 1] === name[j - 1] ? 0 : 1;
        var best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && query[i - 1] === name[j - 2] && query[i - 2] === name[j - 1]) {
          best = Math.min(best, rows[i - 2][j - 2] + 1);
        }
        rows[i][j] = best;
      }
    }
    var last = rows[query.length];
    return { whole: last[name.length], prefix: Math.min.apply(null, last) };
  }

  function prepare(entry) {
    var starts = [];
    var ends = [];
    var position = 0;
    entry.name.split(WORD_BOUNDARY).forEach(function (word) {
      word = word.replace(/\s+/g, "");
      starts.push(position);
      // A word ends before the separator it carries: "Context" in "EncryptionContext:${...}".
      ends.push(position + word.replace(/[:/|{}$-]+$/, "").length);
      position += word.length;
      ends.push(position);
    });
    var full = entry.name.replace(/\s+/g, "").toLowerCase();
    return {
      entry: entry,
      full: full,
      bare: full.replace(/^[a-z0-9-]+:/, ""),
      // The name without its placeholders (${context-key}): what the query can cover.
      core: full.replace(/^[a-z0-9-]+:/, "").replace(/\$\{[^}]*\}/g, ""),
      starts: new Set(starts),
      ends: new Set(ends),
    };
  }

  function occurrences(text, query) {
    var found = [];
    for (var at = text.indexOf(query); at >= 0; at = text.indexOf(query, at + 1)) found.push(at);
    return found;
  }

  // [rank, typos] for one name, or null when it does not match.
  function score(query, item) {
    if (item.full === query || item.bare === query) return [0, 0];
    var found = occurrences(item.full, query);
    var wholeWords = found.some(function (at) {
      return item.starts.has(at) && item.ends.has(at + query.length);
    });
    if (wholeWords) return [1, 0];
    if (item.full.startsWith(query) || item.bare.startsWith(query)) return [2, 0];
    if (found.some(function (at) { return item.starts.has(at); })) return [3, 0];
    if (found.length) return [4, 0];
    var limit = maxTypos(query);
    if (!limit) return null;
    var best = null;
    [item.bare, item.full].forEach(function (form) {
      var distance = editDistances(query, form);
      var match = distance.whole <= limit ? [5, distance.whole]
        : distance.prefix <= limit ? [6, distance.prefix]
        : null;
      if (match && (!best || match[0] < best[0] || (match[0] === best[0] && match[1] < best[1]))) {
        best = match;
      }
    });
    return best;
  }

  // Alike otherwise, an action before a condition key before a topic: "tag" finds
  // kms:TagResource first.
  var KIND_ORDER = { action: 0, "condition key": 1, topic: 2 };
  function kindOrder(item) {
    return KIND_ORDER[item.entry.kind] === undefined ? 3 : KIND_ORDER[item.entry.kind];
  }

  function rank(query, items, count) {
    query = query.replace(/\s+/g, "").toLowerCase();
    if (!query) return [];
    return items
      .map(function (item) { return { item: item, score: score(query, item) }; })
      .filter(function (match) { return match.score !== null; })
      .sort(function (a, b) {
        return a.score[0] - b.score[0]
          || a.score[1] - b.score[1]
          || kindOrder(a.item) - kindOrder(b.item)
          || a.item.core.length - b.item.core.length
          || a.item.full.localeCompare(b.item.full);
      })
      .slice(0, count)
      .map(function (match) { return { entry: match.item.entry, rank: match.score[0] }; });
  }

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function load() {
    if (!loaded) {
      loaded = fetch(new URL("assets/names.json", siteRoot()))
        .then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.url);
          return response.json();
        })
        .then(function (names) { return names.map(prepare); });
    }
    return loaded;
  }

  function pageUrl(entry) {
    return new URL(entry.url, siteRoot()).href;
  }

  window.kpNameFinder = { load: load, prepare: prepare, rank: rank, pageUrl: pageUrl };
})();
