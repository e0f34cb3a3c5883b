"""Write (or check) every generated artifact of the package from the bundled dataset.

The output rules (`kms_permissions.files`) apply here too. `generate` keeps a listing of the
site files it wrote (`site/generated.json`: path and sha256): it removes a page no longer
produced only if the listing has it, unchanged, and overwrites a page only if it is unchanged
since it was generated or starts as the generated one does (its title: a page written by an
older generator); anything else is refused unless `force`. `site build` writes into a folder
beside its output and renames it into place, with a marker file that recognises the folder as
a site build next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kms_permissions.errors import OutputError
from kms_permissions.files import (
    atomic_write,
    check_output,
    describe,
    output_path,
    replacing_folder,
)
from kms_permissions.generator import constants, row_types
from kms_permissions.generator.pysource import literal
from kms_permissions.model import Reference

PACKAGE = Path(__file__).resolve().parents[1]
SITE = PACKAGE.parent / "site"
# The tool's changes, release by release (the dataset's are in data/CHANGELOG.md).
CHANGES = PACKAGE.parent / "CHANGES.md"
# Folders whose every file is generated: files no longer produced there are removed.
GENERATED_DIRS = (
    "docs/access",
    "docs/actions",
    "docs/condition-keys",
    "docs/notes",
    "docs/rules",
    "docs/timeline",
    "docs/topics",
    "snippets",
)
# What `generate` wrote under the site folder, with each file's sha256.
LISTING = "generated.json"
# /2: every generated file (the package's too), keyed by its path from the checkout's root
# (the folder that holds site/).
LISTING_FORMAT = "kms-permissions-generated/2"
_OLD_LISTING_FORMAT = "kms-permissions-generated/1"  # site pages only, keyed from site/
# In a folder `site build` wrote: says that the folder is a site build it may replace.
SITE_MARKER = ".kms-permissions-site"

Renderer = Callable[[Reference], dict[Path, str]]


def package_files(reference: Reference) -> dict[Path, str]:
    """The constants module, the version file and the pipeline's row types (from the model)."""
    version = (
        "\"\"\"The versions: the bundled dataset's, and the package's (the dataset's, with\n"
        "`.postN` for the N-th release since that changed only the code: CHANGES.md declares\n"
        'it)."""\n\n'
        f"DATASET_VERSION = {literal(reference.version)}\n"
        f"__version__ = {literal(package_version(reference.version))}\n"
    )
    return {
        PACKAGE / "constants.py": constants.render(reference),
        PACKAGE / "_version.py": version,
        PACKAGE / "dataset" / "row_types.py": row_types.render(),
    }


def package_version(dataset_version: str, changes: Path = CHANGES) -> str:
    """The package's version: CHANGES.md's newest when it is a code release of this dataset
    (`DATASET.postN`), else the dataset's own."""
    import re

    if not changes.is_file():  # an installed package: no code release to declare
        return dataset_version
    newest = re.search(r"^## (\S+) \(", changes.read_text(encoding="utf-8"), re.MULTILINE)
    if newest and re.fullmatch(rf"{re.escape(dataset_version)}\.post[1-9][0-9]*", newest[1]):
        return newest[1]
    return dataset_version


def mkdocs(arguments: list[str], site: Path = SITE, quiet: bool = False) -> int:
    """Run mkdocs on a site folder (build or serve); returns its exit status."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # silence Material's banner about MkDocs 2
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", *arguments, "-f", "mkdocs.yml"],
        cwd=site,
        env=env,
        capture_output=quiet,
    )
    return done.returncode


class _Failed(Exception):
    """mkdocs failed: the staged build is discarded and the output left as it was."""


def build_site(out: Path | str, site: Path = SITE, quiet: bool = False, force: bool = False) -> int:
    """`mkdocs build --strict` of a site folder into `out`; returns mkdocs's exit status.

    `out` must be new, empty or a site build this function made (or `force`), and must not be,
    contain or lie inside the site's sources or the dataset. mkdocs builds into a folder beside
    it, which replaces `out` only when the build succeeded. The marker lists every file the
    build wrote: the others found in an earlier build (a CNAME, downloads added by hand) are
    carried over into the new one, and a new file where one of them is refuses the build;
    `force` replaces `out` whole.
    """
    target = site_output(out, site, force)
    kept = {} if force else _not_built(target)
    try:
        with replacing_folder(target) as staged:
            status = mkdocs(["build", "--strict", "-q", "-d", str(staged)], site, quiet)
            if status != 0:
                raise _Failed
            built = set(_files_of(staged))
            for relative, path in sorted(kept.items()):
                if relative in built:
                    raise OutputError(
                        f"{path}: not written by site build, and the new build has a file "
                        "there; move it away (or --force to replace the folder whole)"
                    )
                (staged / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, staged / relative, follow_symlinks=False)
            listing = {"built by": "kms-permissions site build", "files": sorted(built)}
            (staged / SITE_MARKER).write_text(json.dumps(listing, indent=1, sort_keys=True))
    except _Failed:
        pass
    return status


def _files_of(folder: Path) -> list[str]:
    """The paths of every file and link under `folder` (links not followed), sorted."""
    found: list[str] = []
    for root, folders, files in os.walk(folder):
        links = [d for d in folders if os.path.islink(os.path.join(root, d))]
        found += [(Path(root) / name).relative_to(folder).as_posix() for name in files + links]
    return sorted(found)


def _not_built(folder: Path) -> dict[str, Path]:
    """The files of an earlier site build in `folder` that its marker does not list (an old
    marker, which lists nothing, stands for the whole folder, as it did when written)."""
    try:
        listing = json.loads((folder / SITE_MARKER).read_text())
        built = set(listing["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        relative: folder / relative
        for relative in _files_of(folder)
        if relative not in built and relative != SITE_MARKER
    }


def site_output(out: Path | str, site: Path = SITE, force: bool = False) -> Path:
    """The folder `out` names, once the output rules allow a site build there."""
    from kms_permissions.reference import DATA_DIR

    target = output_path(out)
    inputs: dict[str, Path | None] = {
        f"{site.name}/{p.name}": p for p in sorted(site.iterdir()) if p.name != "site"
    }
    check_output(
        target,
        folder=True,
        ours=is_site_build,
        inputs={**inputs, "dataset": DATA_DIR},
        force=force,
        mine="site build of kms-permissions",
    )
    return target


def is_site_build(folder: Path) -> bool:
    """Whether `folder` was written by `build_site` (it holds the marker)."""
    return (folder / SITE_MARKER).is_file()


def site_pages(reference: Reference) -> dict[Path, str]:
    """The site's generated pages (needs a source checkout, which has site/)."""
    from kms_permissions.generator.rule_pages import rule_pages
    from kms_permissions.generator.site import site_files
    from kms_permissions.reference import load_history, load_manifest

    if not (SITE / "mkdocs.yml").exists():
        raise FileNotFoundError(f"{SITE}/mkdocs.yml: the site is generated in a source checkout")
    files = list(load_manifest(reference)["files"])
    pages = site_files(reference, load_history(reference), files, SITE / "docs")
    pages |= {SITE / "docs" / path: page for path, page in rule_pages().items()}
    docs = SITE / "docs"
    return {
        path: marked(page) if path.suffix == ".md" and docs in path.parents else page
        for path, page in pages.items()
    }


# The line every generated page of the site carries (an HTML comment: not shown, not searched).
GENERATED_MARK = (
    "<!-- Generated by `kms-permissions generate` from the dataset: do not edit (generate "
    "refuses to overwrite a page changed by hand); change the generator and run it again. -->"
)


def marked(page: str) -> str:
    """The page with `GENERATED_MARK` at its top, after its front matter (which must be first)."""
    body_at = page.index("\n---\n", 4) + 5 if page.startswith("---\n") else 0
    body = page[body_at:].lstrip("\n")
    return f"{page[:body_at]}{GENERATED_MARK}\n\n{body}"


@dataclass(frozen=True)
class Generation:
    """What `generate` would change: the files to write (with their bytes), the listed ones to
    remove."""

    writes: dict[Path, bytes]
    removals: list[Path]

    @property
    def stale(self) -> list[Path]:
        """Every path written or removed."""
        return [*self.writes, *self.removals]

    def apply(self) -> None:
        """Write and remove (each file atomically)."""
        for path, data in self.writes.items():
            atomic_write(path, data)
        for path in self.removals:
            path.unlink(missing_ok=True)


def plan(
    reference: Reference, renderers: list[Renderer], check: bool = False, force: bool = False
) -> Generation:
    """What `generate` would change; unless `check`, every file checked by the output rules
    first (a file changed by hand refused without `force`)."""
    produced: dict[Path, bytes] = {}
    for render in renderers:
        produced.update((path, text.encode()) for path, text in render(reference).items())
    listing_path = SITE / LISTING
    in_checkout = (SITE / "mkdocs.yml").exists()
    listed = _read_listing(listing_path) if in_checkout else None
    if in_checkout:
        produced[listing_path] = _listing(produced, listed)
    stale = [path for path, data in produced.items() if not _holds(path, data)]
    if not check:
        for path in stale:  # every file checked before any is written
            _check_generated(path, produced[path], listed, force)
    removals: list[Path] = []
    if listed is not None and site_pages in renderers:
        for relative, digest in sorted(listed.items()):
            path = SITE.parent / relative
            generated_dirs = tuple(f"site/{d}/" for d in GENERATED_DIRS)
            if path in produced or not relative.startswith(generated_dirs):
                continue
            if _sha256_of(path) != digest:
                continue  # gone already, or changed by hand since: not ours to remove
            removals.append(path)
    return Generation({path: produced[path] for path in stale}, removals)


def generate(
    reference: Reference, renderers: list[Renderer], check: bool, force: bool = False
) -> list[Path]:
    """Write the artifacts, or with `check` only report those that differ; returns them.

    Generated files that are no longer produced (a page of a removed action) are removed, or
    reported with `check`, when the listing shows that `generate` wrote them as they are.
    """
    generation = plan(reference, renderers, check, force)
    if not check:
        generation.apply()
    return generation.stale


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def _sha256_of(path: Path) -> str | None:

    try:
        if path.is_symlink() or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(produced: dict[Path, bytes], listed: dict[str, str] | None) -> bytes:
    """What this run writes, with the sha256 of each file, so that a later run replaces only
    files nobody changed since. Files of other renderers (the package's, when only the site
    pages are generated) keep their entries."""
    import json

    rendered_site = any(SITE in path.parents for path in produced)
    files = {
        relative: digest
        for relative, digest in (listed or {}).items()
        if (SITE.parent / relative) not in produced
        and not (rendered_site and relative.startswith("site/"))
    }
    files |= {
        path.relative_to(SITE.parent).as_posix(): hashlib.sha256(data).hexdigest()
        for path, data in produced.items()
        if SITE.parent in path.parents and path.name != LISTING
    }
    document = {"format": LISTING_FORMAT, "files": dict(sorted(files.items()))}
    return (json.dumps(document, indent=1) + "\n").encode()


def _read_listing(path: Path) -> dict[str, str] | None:
    """The files a previous `generate` wrote under the site folder (None: no listing yet)."""
    import json

    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        version = document.get("format")
        files = document["files"] if version in (LISTING_FORMAT, _OLD_LISTING_FORMAT) else None
        if not isinstance(files, dict):
            raise ValueError("no files")
        prefix = "site/" if version == _OLD_LISTING_FORMAT else ""
        return {f"{prefix}{k}": str(v) for k, v in files.items()}
    except (OSError, ValueError, AttributeError, KeyError, RecursionError) as exc:
        raise OutputError(
            f"{path}: not a listing of generated files ({exc}); it tells what generate may "
            "replace: restore it, or remove it and pass --force"
        ) from None


def _check_generated(path: Path, data: bytes, listed: dict[str, str] | None, force: bool) -> None:
    """Refuse to overwrite what `generate` did not write: only regular files, and only those
    the listing shows unchanged since generated. A file changed by hand (or unknown to the
    listing) is replaced only with `force`."""
    import os

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if describe(mode) != "a file":
        raise OutputError(f"{path}: is {describe(mode)}, not a generated file; not replaced")
    if force or path.name == LISTING:
        return
    relative = path.relative_to(SITE.parent).as_posix() if SITE.parent in path.parents else None
    unchanged = listed is not None and relative in listed and _sha256_of(path) == listed[relative]
    if not unchanged:
        raise OutputError(
            f"{path}: changed since kms-permissions generated it; not overwritten (pass --force "
            "to overwrite it)"
        )
