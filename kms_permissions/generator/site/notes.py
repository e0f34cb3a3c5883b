"""notes/*.md: the guide's Note, Important, Warning and Tip callouts, by chapter, each linked
to the actions and condition keys it mentions (whose pages link back)."""

from __future__ import annotations

from kms_permissions.generator.markdown import external, fragment, indent, link, text
from kms_permissions.generator.site import prose
from kms_permissions.generator.site.context import GUIDE, Site
from kms_permissions.generator.site.sections import note_anchor
from kms_permissions.model import Note

# The guide's callout kinds as Material's admonitions, with their titles.
KINDS = {
    "Note": ("note", "Note"),
    "Important": ("warning", "Important"),
    "Warning": ("danger", "Warning"),
    "Tip": ("tip", "Tip"),
}


def pages(site: Site) -> dict[str, str]:
    """notes/index.md and one page per chapter."""
    out: dict[str, str] = {}
    index = [
        "# Notes from the guide",
        "",
        "The guide's Note, Important, Warning and Tip callouts, grouped by chapter, linked to "
        "the actions and condition keys they mention "
        f"(the guide's pages as of {text(site.newest('notes'))}).",
        "",
    ]
    for path, (chapter, notes) in site.note_pages.items():
        index.append(f"- {link(text(chapter), path.split('/', 1)[1])} ({len(notes)})")
        parts = [
            f"# {text(chapter)}",
            "",
            text(f"The guide's callouts in these pages, as of {site.newest('notes')}."),
            "",
        ]
        for note in notes:
            parts += _note(site, note, path)
        out[path] = "\n".join(parts).rstrip("\n") + "\n"
    out["notes/index.md"] = "\n".join(index) + "\n"
    return out


def _note(site: Site, note: Note, here: str) -> list[str]:
    where = f"{GUIDE}/{note.page}.html" + (f"#{note.section_anchor}" if note.section_anchor else "")
    heading = text(f"{note.kind}: {note.section}")
    body = prose.block(site, note.text, here)
    lines = [f"## {heading} {{ #{note_anchor(note)} }}", ""]
    kind, title = KINDS.get(note.kind, ("note", "Callout"))
    callout = body + "\n\n" + f"From {external(fragment(note.page), where)}."
    if note.mentions:
        names = [site.name_link(m, here) for m in dict.fromkeys(note.mentions)]
        callout += "\n\nMentions: " + ", ".join(names)
    lines += [f'!!! {kind} "{title}"', "", indent(callout), ""]
    return lines
