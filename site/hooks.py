"""mkdocs hooks: the folders' pages in the nav, the dataset's files as downloads, the home page's
dataset stamp, the names list of the quick-jump box, and a built site that asks nothing of any
other host and ships no dead weight (source maps, search languages the site does not use, code
line anchors no link points at, comments and indentation in its own scripts and styles)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kms_permissions.generator.outputs import GENERATED_MARK
from kms_permissions.names import natural_key
from kms_permissions.reference import DATA_DIR

HOME = "index.md"
DATASET_STAMP = "<!-- dataset-stamp -->"
NAMES_JSON = "assets/names.json"
NAME_PAGES = {"actions/": "action", "condition-keys/": "condition key", "topics/": "topic"}
SOURCE_MAP_COMMENT = re.compile(
    r"\n?(?://# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ \*/)\s*$"
)

_names: dict[str, dict[str, str]] = {}


def on_config(config: Any) -> Any:
    """Give each nav section that holds only a folder's index.md the folder's other pages."""
    if config.nav:
        config.nav = with_folder_pages(config.nav, Path(config.docs_dir))
    return config


def with_folder_pages(nav: list[Any], docs: Path) -> list[Any]:
    """The nav, each section `[FOLDER/index.md]` followed by FOLDER's other pages (untitled
    entries: mkdocs titles them by the page), in natural order of their file names."""
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            item = {title: _section(value, docs) for title, value in item.items()}
        out.append(item)
    return out


def _section(value: Any, docs: Path) -> Any:
    if not isinstance(value, list):
        return value
    if len(value) == 1 and isinstance(value[0], str) and value[0].endswith("/index.md"):
        folder = value[0].removesuffix("/index.md")
        pages = sorted(
            (p for p in (docs / folder).glob("*.md") if p.name != "index.md"),
            key=lambda p: natural_key(p.stem),
        )
        return [value[0], *(f"{folder}/{p.name}" for p in pages)]
    return with_folder_pages(value, docs)


def on_pre_build(config: Any) -> None:
    """Start each build (serve rebuilds too) with an empty names list."""
    _names.clear()


class DataFile(File):
    """A bundled data file, copied byte for byte: mkdocs would render CHANGELOG.md as a page."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False


def on_files(files: Files, config: Any) -> Files:
    """Add every bundled data file as downloads/<path>."""
    for path in sorted(DATA_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            uri = f"downloads/{path.relative_to(DATA_DIR).as_posix()}"
            files.append(DataFile.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: Any, files: Files) -> str:
    """Drop a generated page's mark; put the dataset's version and date where the home page
    asks for them."""
    # The mark is for the source file's reader. Left in, it is the page's first element and
    # mkdocs takes a page's title only from an h1 that comes first: every generated page was
    # titled by its file name ("CancelKeyDeletion"), and the names list with it.
    markdown = markdown.replace(f"{GENERATED_MARK}\n", "", 1)
    if page.file.src_uri != HOME:
        return markdown
    if DATASET_STAMP not in markdown:
        raise PluginError(f"{HOME} has no {DATASET_STAMP} line for the dataset's version and date")
    return markdown.replace(DATASET_STAMP, dataset_stamp())


def dataset_stamp() -> str:
    """`Dataset 2026.06.14.1, from AWS pages dated up to 2026-06-14.` from the bundled files."""
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    sources = json.loads((DATA_DIR / "sources.json").read_text(encoding="utf-8"))
    dates = sorted(row["revision_date"] for row in sources if row.get("revision_date"))
    newest = f", from AWS pages dated up to {dates[-1]}" if dates else ""
    return f"Dataset **{manifest['dataset_version']}**{newest}."


def on_page_content(html: str, page: Page, config: Any, files: Files) -> str:
    """Note the title and URL of every action, condition key and topic page for the names
    list; lighten the code blocks (line anchors nothing links to, code out of the search
    index)."""
    uri = page.file.src_uri
    for folder, kind in NAME_PAGES.items():
        if uri.startswith(folder) and not uri.endswith("index.md") and page.title:
            name = unescape(str(page.title))  # titles keep the page's &#36; escapes
            _names[uri] = {"name": name, "kind": kind, "url": page.url}
    return code_unsearched(without_unlinked_line_anchors(html))


# pymdownx.highlight's anchor on each code line (anchor_linenums), and a link to a line.
LINE_ANCHOR = re.compile(
    r'<a id="__codelineno-(\d+)-\d+" name="__codelineno-\1-\d+" href="#[^"]*"></a>'
)
LINE_LINK = re.compile(r'<a href="#__codelineno-(\d+)-\d+"')


def without_unlinked_line_anchors(html: str) -> str:
    """Drop the code lines' anchors of the blocks nothing links to.

    The highlighter anchors every line of every block (the rule pages' findings link to the line
    they cite); a block without line numbers and without such a link only carries their weight,
    about 75 bytes a line (a third of the How KMS decides page).
    """
    linked = set(LINE_LINK.findall(html))
    return LINE_ANCHOR.sub(lambda m: m[0] if m[1] in linked else "", html)


def code_unsearched(html: str) -> str:
    """Mark every code block for the search to leave out (Material's data-search-exclude).

    Code is the examples' policies and commands: indexed, it was a fifth of the index every
    page loads, and a name in it is also in the prose around it. The mark goes on the `pre`
    (which nests no other `pre`): Material's parser matches skipped elements by tag name, so a
    mark on the block's `div` would end at the first inner `div` that closes.
    """
    return html.replace("<pre>", "<pre data-search-exclude>")


SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = SEARCH_DIALOG.replace('role="dialog"', 'role="dialog" aria-label="Search"')


def on_post_page(output: str, page: Page, config: Any) -> str:
    """Name the theme's search dialog (a dialog needs an accessible name)."""
    if SEARCH_DIALOG not in output:
        raise PluginError(f"{page.file.src_uri}: the theme's search dialog is not where expected")
    return output.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)


def on_post_build(config: Any) -> None:
    """Write the names list; drop source maps and unused search languages."""
    site = Path(config.site_dir)
    names = [_names[uri] for uri in sorted(_names)]
    (site / NAMES_JSON).write_text(json.dumps(names, separators=(",", ":")), encoding="utf-8")
    drop_source_maps(site / "assets")
    minify_own_assets(site, [*config.extra_css, *config.extra_javascript])
    drop_unused_search_languages(
        site / "assets" / "javascripts" / "lunr", _search_languages(config)
    )


def minify_own_assets(site: Path, extras: list[Any]) -> None:
    """Minify the site's own stylesheets and scripts (extra_css, extra_javascript) in the built
    site, those not shipped minified (`*.min.*`): every page loads them, and their comments and
    indentation were a third of their weight. rjsmin and rcssmin only drop what the language
    ignores; the sources under docs/assets stay readable."""
    for extra in extras:
        uri = str(getattr(extra, "path", extra))
        path = site / uri
        if ".min." in path.name or not path.is_file():
            continue
        minify = rcssmin.cssmin if path.suffix == ".css" else rjsmin.jsmin
        if path.suffix in (".css", ".js"):
            path.write_text(minify(path.read_text(encoding="utf-8")), encoding="utf-8")


def drop_source_maps(assets: Path) -> None:
    """Remove every *.map file and the comments that point browsers' dev tools at them."""
    for path in sorted(assets.rglob("*.map")):
        path.unlink()
    for path in sorted([*assets.rglob("*.js"), *assets.rglob("*.css")]):
        text = path.read_text(encoding="utf-8")
        stripped = SOURCE_MAP_COMMENT.sub("", text)
        if stripped != text:
            path.write_text(stripped + "\n", encoding="utf-8")


def _search_languages(config: Any) -> list[str]:
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return list(plugin.config.lang or []) if plugin else []


def search_language_files(languages: list[str]) -> set[str]:
    """The lunr files Material's search worker loads for these languages (paths under lunr/).

    English is built into lunr; any other language needs the stemmer support, its own file, and
    for Japanese and Hindi/Thai a word segmenter; more than one language needs lunr.multi.
    """
    others = [language for language in languages if language != "en"]
    needed = {f"min/lunr.{language}.min.js" for language in others}
    if "ja" in languages:
        needed.add("tinyseg.js")
    if {"hi", "th"} & set(languages):
        needed.add("wordcut.js")
    if len(languages) > 1:
        needed.add("min/lunr.multi.min.js")
    if needed:
        needed.add("min/lunr.stemmer.support.min.js")
    return needed


def drop_unused_search_languages(lunr: Path, languages: list[str]) -> None:
    """Remove the lunr language files the configured search languages do not load."""
    if not lunr.is_dir():
        return
    needed = search_language_files(languages)
    for path in sorted(lunr.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(lunr).as_posix() not in needed:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(lunr.iterdir()):
        lunr.rmdir()
