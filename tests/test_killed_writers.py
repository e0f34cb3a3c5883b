"""Every writer killed (SIGKILL, in a child process) at each step of its write: its output is
the old complete one or the new complete one, the next run of the same verb leaves nothing
staged, retired or locked behind, and the user's files beside the output are kept.

The child counts the file system steps a write takes (renames, the folder exchange, fsyncs,
removals, the files a staging folder is filled with) and kills itself with SIGKILL just before
step KILL_AT. A first run with no kill counts the steps; the test then kills at each
structural step (every rename, exchange, fsync and removal) and at the first, middle and last
file written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kms_permissions.policy.authoring import examples

from .conftest import CORPUS, ROOT
from .safety import snapshot

CHILD = """
import json, os, shutil, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import kms_permissions.files as files

kill_at, job = int(sys.argv[1]), json.loads(sys.argv[2])
if job.get("no_exchange"):  # a system without renameat2: the two-rename swap
    files._renameat2 = False
steps = []
inside = []  # the steps of a step (rmtree's removals) are not steps of their own
def counted(kind, real):
    def step(*args, **kwargs):
        if inside:
            return real(*args, **kwargs)
        steps.append(kind)
        if len(steps) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        inside.append(kind)
        try:
            return real(*args, **kwargs)
        finally:
            inside.pop()
    return step
for name in ("rename", "replace", "fsync", "unlink", "rmdir"):
    setattr(os, name, counted(name, getattr(os, name)))
shutil.rmtree = counted("rmtree", shutil.rmtree)
files.exchange = counted("exchange", files.exchange)
Path.write_bytes = counted("write", Path.write_bytes)
Path.write_text = counted("write", Path.write_text)
if "site" in job:
    from kms_permissions.generator.outputs import build_site
    status = build_site(job["out"], Path(job["site"]), quiet=True)
elif "fill" in job:  # corpus fill-botocore against the loopback index (the CLI's is online)
    from kms_permissions.commands.corpus import fill
    from kms_permissions.commands.recovery import recover_interrupted
    from kms_permissions.scraper.http import Fetcher, FetchPolicy
    recover_interrupted()  # as the command line does before every writing verb
    local = frozenset(["127.0.0.1"])
    policy = FetchPolicy(allowed_hosts=local, allow_http_hosts=local, timeout=5.0, attempts=1)
    base = job["base"]
    mirrors = dict.fromkeys(["https://pypi.org", "https://files.pythonhosted.org"], base)
    fill(Path(job["fill"]), Fetcher(None, policy), mirrors)
    status = 0
else:
    from kms_permissions.cli import main
    status = main(job["argv"])
sys.stdout.flush()
print("STEPS " + json.dumps(steps), file=sys.stderr)
sys.exit(status)
"""

STRUCTURAL = {"rename", "replace", "exchange", "fsync", "rmtree", "unlink", "rmdir"}


def _run(
    job: Mapping[str, object], kill_at: int, root: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    code = CHILD.format(root=str(root))
    return subprocess.run(
        [sys.executable, "-c", code, str(kill_at), json.dumps(job)],
        capture_output=True,
        text=True,
        cwd=root,
    )


def _steps(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr[-3000:]
    line = [x for x in done.stderr.splitlines() if x.startswith("STEPS ")][-1]
    steps: list[str] = json.loads(line[len("STEPS ") :])
    return steps


def _kill_points(steps: list[str], most: int | None = None) -> list[int]:
    """The steps to kill at; with `most`, that many spread evenly, the first and last kept."""
    writes = [i + 1 for i, kind in enumerate(steps) if kind == "write"]
    chosen = {i + 1 for i, kind in enumerate(steps) if kind in STRUCTURAL}
    if writes:
        chosen |= {writes[0], writes[len(writes) // 2], writes[-1]}
    points = sorted(chosen)
    if most is not None and len(points) > most:
        points = [points[round(i * (len(points) - 1) / (most - 1))] for i in range(most)]
    return points


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name not in keep)


def _kill_everywhere(
    job: Mapping[str, object],
    out: Path,
    keep: set[str],
    make_old: Callable[[], None],
    complete_after_kill: bool = True,
    seen: Callable[[Path], object] = snapshot,
) -> int:
    """Make the old output, learn the new one, then kill at each point; the number of kills.
    `seen`: what of the output is compared (a site build's pages carry the time of the build)."""
    make_old()
    old = seen(out)
    saved = out.parent.parent / "saved-old"
    _copy(out, saved)
    mine = out.parent / "mine.txt"
    mine.write_text("the user's, beside the output\n")
    points = _kill_points(_steps(_run(job, 0)))
    new = seen(out)
    assert new != old and points
    for point in points:
        _copy(saved, out)
        killed = _run(job, point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
        after = seen(out)
        if complete_after_kill or out.exists():
            assert after in (old, new), (point, after)
        _steps(_run(job, 0))
        assert seen(out) == new, point
        assert _leftovers(out.parent, keep | {out.name, "mine.txt"}) == [], point
        assert mine.read_text() == "the user's, beside the output\n"
    return len(points)


def _copy(source: Path, target: Path) -> None:
    """`target` made a copy of `source` (a file or a folder)."""
    if target.is_dir():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)


def _sar(index: int) -> Path:
    return sorted((CORPUS / "sar-html" / "list_awskeymanagementservice").glob("*.html"))[index]


def test_scrape_killed_at_each_step(tmp_path: Path) -> None:
    out = tmp_path / "out" / "records.json"
    out.parent.mkdir()
    old_job = {"argv": ["scrape", "--source", str(_sar(0)), "--out", str(out), "--force"]}
    job = {"argv": ["scrape", "--source", str(_sar(-1)), "--out", str(out)]}

    def make_old() -> None:
        _steps(_run(old_job, 0))

    assert _kill_everywhere(job, out, set(), make_old) >= 3


@pytest.mark.slow
def test_key_policy_out_killed_at_each_step(tmp_path: Path) -> None:
    out = tmp_path / "out" / "policy.json"
    out.parent.mkdir()
    old_spec, spec = tmp_path / "old-spec.json", tmp_path / "spec.json"
    old_spec.write_text(json.dumps(examples.service_spec("logs")))
    spec.write_text(json.dumps(examples.SPEC))
    old_job = {"argv": ["key-policy", "new", str(old_spec), "--out", str(out)]}
    job = {"argv": ["key-policy", "new", str(spec), "--out", str(out)]}

    def make_old() -> None:
        _steps(_run(old_job, 0))

    assert _kill_everywhere(job, out, set(), make_old) >= 3


@pytest.mark.slow
def test_export_killed_at_each_step(tmp_path: Path) -> None:
    out = tmp_path / "out" / "table.json"
    out.parent.mkdir()
    old_job = {"argv": ["export", "--table", "notes", "--out", str(out), "--force"]}
    job = {"argv": ["export", "--table", "actions", "--out", str(out)]}

    def make_old() -> None:
        _steps(_run(old_job, 0))

    assert _kill_everywhere(job, out, set(), make_old) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_build_killed_at_each_step(tmp_path: Path, swap: str) -> None:
    out = tmp_path / "out" / "data"
    out.parent.mkdir()
    extra = {"no_exchange": swap == "two renames"}
    build = ["build", "--no-cache", "--allow-shrink", "--out", str(out)]
    old_job = {"argv": [*build, "--source", str(_sar(0)), "--force"], **extra}
    job = {"argv": [*build, "--source", str(_sar(-1))], **extra}

    def make_old() -> None:
        _steps(_run(old_job, 0))

    # With two renames a kill between them leaves the old folder retired and no target: the
    # next run puts it back before it writes.
    assert _kill_everywhere(job, out, set(), make_old, swap == "exchange") >= 5


@pytest.mark.slow
def test_corpus_extract_killed_at_each_step(tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus"
    out.parent.mkdir()
    job = {"argv": ["corpus", "extract", "--out", str(out)]}

    def make_old() -> None:  # an earlier extract (of the same corpus) missing a page
        _steps(_run(job, 0))
        next(p for p in sorted(out.rglob("*.html"))).unlink()

    assert _kill_everywhere(job, out, set(), make_old) >= 3


@pytest.mark.slow
def test_corpus_create_killed_at_each_step(tmp_path: Path) -> None:
    # A small layout: the README, the revisions lists and dated copies of one page.
    layout = tmp_path / "layout"
    listings = [f"{d}/revisions.json" for d in ("kms-devguide-github", "sar-html", "botocore-kms")]
    for relative in ("README.md", *listings, _sar(0).relative_to(CORPUS).as_posix()):
        (layout / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / relative, layout / relative)
    out = tmp_path / "out" / "vendored"
    out.parent.mkdir()
    job = {"argv": ["corpus", "create", "--from", str(layout), "--vendored", str(out)]}
    newer = _sar(-1)

    def make_old() -> None:
        shutil.rmtree(out, ignore_errors=True)
        target = layout / newer.relative_to(CORPUS)
        target.unlink(missing_ok=True)
        _steps(_run(job, 0))  # the old vendored copy: one page
        shutil.copy(newer, target)  # the new one: two

    assert _kill_everywhere(job, out, set(), make_old) >= 3


@pytest.mark.slow
def test_site_build_killed_at_each_step(tmp_path: Path) -> None:
    site = tmp_path / "tiny"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: tiny\ntheme: mkdocs\n")
    out = tmp_path / "out" / "built"
    out.parent.mkdir()
    job = {"site": str(site), "out": str(out)}

    def make_old() -> None:
        (site / "docs" / "index.md").write_text("# old\n")
        _steps(_run(job, 0))
        (out / "CNAME").write_text("docs.example.com\n")  # the user's, kept by every build
        (site / "docs" / "index.md").write_text("# new\n")

    def seen(folder: Path) -> object:
        # Each page names the time it was built: the files, the CNAME's text and the page's
        # heading tell the builds apart.
        index = (folder / "index.html").read_text() if (folder / "index.html").exists() else ""
        return sorted(snapshot(folder)), (folder / "CNAME").read_text(), 'id="new"' in index

    assert _kill_everywhere(job, out, {"tiny"}, make_old, seen=seen) >= 3


def _project(tmp_path: Path) -> Path:
    """A private copy of the checkout's package and site (generate writes into both)."""
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns("__pycache__", ".*cache*")
    shutil.copytree(ROOT / "kms_permissions", copy / "kms_permissions", ignore=skip)
    shutil.copytree(ROOT / "site", copy / "site", ignore=shutil.ignore_patterns("site", "__py*"))
    return copy


def _tree(project: Path) -> dict[str, tuple[str, ...]]:
    return {
        name: kind
        for name, kind in snapshot(project).items()
        if "__pycache__" not in name and not name.startswith("kms_permissions/data/")
    }


@pytest.mark.slow
def test_generate_killed_at_each_step_is_rolled_back_by_the_next_writing_verb(
    tmp_path: Path,
) -> None:
    # generate writes in place (the constants, the pages, the listing): a kill midway leaves a
    # journal; the next writing verb (here `generate --check`) rolls it back, saying so.
    project = _project(tmp_path)
    edited = [
        project / "kms_permissions" / "constants.py",
        project / "site" / "docs" / "actions" / "Decrypt.md",
        project / "site" / "docs" / "actions" / "Encrypt.md",
    ]
    mine = project / "site" / "docs" / "mine.md"
    mine.write_text("# the user's page\n")
    new = _tree(project)
    for path in edited:
        path.write_text(path.read_text() + "\n# edited\n")
    old = _tree(project)
    job = {"argv": ["generate", "--force"]}
    # Every step of the journal, the backups and each file: about forty; twelve of them, spread
    # from the first to the last, keep the test's time within reason.
    points = _kill_points(_steps(_run(job, 0, project)), most=12)
    assert _tree(project) == new and len(points) >= 5
    check = {"argv": ["generate", "--check"]}
    for point in points:
        for path in edited:
            path.write_text(path.read_text() + "\n# edited\n")
        assert _tree(project) == old
        killed = _run(job, point, project)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
        begun = (project / ".kms-permissions-update.journal").exists()
        recovered = _run(check, 0, project)
        assert recovered.returncode in (0, 1), recovered.stderr[-2000:]
        after = _tree(project)
        assert after in (old, new), (point, sorted(set(after) ^ set(old))[:5])
        if begun:  # the journal written: the next run says what it did
            assert "was rolled back" in recovered.stderr or "clean-up" in recovered.stderr
        _steps(_run(job, 0, project))
        assert _tree(project) == new, point
        leftovers = [
            p.relative_to(project).as_posix()
            for folder in (project, project / "kms_permissions", project / "site" / "docs")
            for p in folder.rglob(".*")
            if "__pycache__" not in p.parts
        ]
        assert leftovers == [], point
    assert mine.read_text() == "# the user's page\n"


@pytest.mark.slow
@pytest.mark.loopback
def test_corpus_fill_botocore_killed_at_each_step_is_rolled_back_by_the_next_writing_verb(
    tmp_path: Path,
) -> None:
    # fill-botocore writes the new models, the listing and SHA256SUMS into a layout in place.
    # Written one by one, a kill between them left a model the listing does not name, or a
    # listing SHA256SUMS does not match (and a second run, finding nothing new, never fixed
    # it); now it is one transaction: all of them or none.
    from kms_permissions.scraper.corpus_botocore import CHECKSUMS, LISTING, checksums

    from .http_server import Script, serve
    from .pypi_index import Index, wheel

    names = ("2026-04-27_59d6b63.json", "2026-05-20_3830c65.json", "2026-11-20_pypi-1.44.8.json")
    models = [(CORPUS / "botocore-kms" / name).read_bytes() for name in names]
    index = Index()
    for number, count in enumerate((3, 4, 6)):  # the model changes at 1.50.3 and 1.50.7
        built = wheel(models[number], filler=64 * 1024, members=20)
        for _ in range(count):
            version = f"1.50.{len(index.files)}"
            day = f"2026-12-{len(index.files) + 1:02d}T12:00:00Z"
            index.add(f"botocore-{version}-py3-none-any.whl", built, day)
    project = _project(tmp_path)
    layout = tmp_path / "out" / "corpus"

    def make_old() -> None:
        if layout.exists():
            shutil.rmtree(layout)
        (layout / "botocore-kms").mkdir(parents=True)
        held = [
            ("2026-12-20_pypi-1.50.12.json", None, 2, "1.50.12"),
            ("2026-11-29_0.json", "0" * 40, 0, "1.50.0"),
        ]
        revisions = []
        for file, commit, number, release in held:
            (layout / "botocore-kms" / file).write_bytes(models[number])
            revisions.append(
                {
                    "file": file,
                    "commit": commit,
                    "commit_time": "2026-11-29T08:00:00+00:00",
                    "first_release": release,
                    "sha256": hashlib.sha256(models[number]).hexdigest(),
                }
            )
        document = {"repository": "https://github.com/boto/botocore", "revisions": revisions}
        (layout / LISTING).write_text(json.dumps(document))
        (layout / CHECKSUMS).write_text(checksums(layout))

    script = Script()
    script.routes.update(index.served())
    with serve(script) as base:
        job = {"fill": str(layout), "base": base}
        make_old()
        old = snapshot(layout)
        points = _kill_points(_steps(_run(job, 0, project)))
        new = snapshot(layout)
        assert new != old and len(points) >= 5
        assert (layout / CHECKSUMS).read_text() == checksums(layout)
        recover = {"argv": ["update", "--recover"]}
        for point in points:
            make_old()
            killed = _run(job, point, project)
            assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
            _steps(_run(recover, 0, project))
            assert snapshot(layout) in (old, new), point
            _steps(_run(job, 0, project))
            assert snapshot(layout) == new, point
            assert (layout / CHECKSUMS).read_text() == checksums(layout), point
            assert _leftovers(project, {"kms_permissions", "site"}) == [], point
