"""The suite's own machinery: `--dist loadgroup` keeps an xdist_group on one worker.

The site's build and browser and the release's wheel are module fixtures shared by a group's
tests: if the groups were ignored (pytest 9.2 with pytest-xdist 3.8 drops them silently), each
worker would build them again and the suite would take a minute more.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("xdist", reason="pip install pytest-xdist")

GROUPED = """
import os
from pathlib import Path

import pytest

GROUP = "together"
pytestmark = pytest.mark.xdist_group(GROUP)


@pytest.mark.parametrize("n", range(6))
def test_where(n):
    Path(os.environ["WHERE"], f"{GROUP}-{n}-{os.environ['PYTEST_XDIST_WORKER']}").touch()
"""


@pytest.mark.slow
def test_a_groups_tests_run_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    (tmp_path / "test_other.py").write_text(GROUPED.replace('"together"', '"apart"'))
    where = tmp_path / "where"
    where.mkdir()
    options = ["-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *options, "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"WHERE": str(where), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = [name.split("-") for name in sorted(p.name for p in where.iterdir())]
    assert len(ran) == 12
    workers = {group: {worker for g, _, worker in ran if g == group} for group, _, _ in ran}
    # Each group on one worker; two groups, two workers: each had one.
    assert sorted(workers) == ["apart", "together"]
    assert all(len(found) == 1 for found in workers.values()), workers
    assert workers["apart"] != workers["together"]
