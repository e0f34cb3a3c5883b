"""`update`'s transaction killed at every step (SIGKILL, in a child process): the next run
recovers, and the outputs are all old or all new, with nothing staged left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kms_permissions.dataset.transaction import InPlace, Transaction, recover
from kms_permissions.errors import OutputError

from .conftest import ROOT
from .safety import snapshot

# The child runs one transaction: two folders replaced (one new), a writer rewriting two files
# in place and making a third. Every rename (the swaps, the journal's atomic writes, the
# writer's) and every folder removal is a step: the child kills itself with SIGKILL just
# before step KILL_AT.
CHILD = """
import os, shutil, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from kms_permissions.dataset.transaction import InPlace, Transaction
from kms_permissions.files import atomic_write

base, kill_at = Path(sys.argv[1]), int(sys.argv[2])
steps = 0
def counted(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return step
os.rename, os.replace = counted(os.rename), counted(os.replace)
shutil.rmtree = counted(shutil.rmtree)

generated = [base / "out" / "constants.py", base / "out" / "page.md", base / "out" / "new.md"]
def write():
    for path in generated:
        atomic_write(path, b"new " + path.name.encode())
transaction = Transaction(base / "out" / ".journal")
transaction.replace_folder(base / "out" / "corpus", base / "new-corpus")
transaction.replace_folder(base / "out" / "notes", {{"n.md": b"notes"}})
transaction.run_in_place(InPlace(lambda: None, lambda: generated, write))
transaction.commit()
print("steps", steps)
"""


def _layout(base: Path) -> None:
    for folder, text in ((base / "out" / "corpus", "old"), (base / "new-corpus", "new")):
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text(text)
        (folder / "sub").mkdir()
        (folder / "sub" / "b.txt").write_text(text * 2)
    (base / "out" / "constants.py").write_text("old constants")
    (base / "out" / "page.md").write_text("old page")


def _run(base: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    code = CHILD.format(root=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code, str(base), str(kill_at)], capture_output=True, text=True
    )


@pytest.mark.slow
def test_killed_at_every_step_it_recovers_to_all_old_or_all_new(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    _layout(reference)
    old = snapshot(reference / "out")
    done = _run(reference, 0)
    assert done.returncode == 0, done.stderr
    new = snapshot(reference / "out")
    total = int(done.stdout.split()[-1])
    assert total >= 8  # journal writes, swaps and the writer's three files
    assert new["corpus/a.txt"] != old["corpus/a.txt"] and "notes/n.md" in new
    outcomes = []
    for kill_at in range(1, total + 1):
        base = tmp_path / f"kill-{kill_at}"
        _layout(base)
        killed = _run(base, kill_at)
        assert killed.returncode == -signal.SIGKILL, (kill_at, killed.stderr)
        message = recover(base / "out" / ".journal")
        after = snapshot(base / "out")
        assert after in (old, new), (kill_at, message, sorted(after))
        assert not (base / "out" / ".journal").exists()
        outcomes.append("new" if after == new else "old")
        if after == new:
            assert message is not None and "clean-up is finished" in message
        elif message is not None:
            assert "was rolled back" in message
        # The next transaction runs as if nothing had happened.
        assert _run(base, 0).returncode == 0 and snapshot(base / "out") == new
    # Killed before the journal says "done" it rolls back; after, it finishes.
    assert outcomes == sorted(outcomes, key=["old", "new"].index)
    assert outcomes[0] == "old" and outcomes[-1] == "new"


def test_a_pending_journal_blocks_a_new_transaction_until_recovered(tmp_path: Path) -> None:
    _layout(tmp_path)
    killed = _run(tmp_path, 4)
    assert killed.returncode == -signal.SIGKILL
    journal = tmp_path / "out" / ".journal"
    assert json.loads(journal.read_text())["format"] == "kms-permissions-transaction/1"
    transaction = Transaction(journal)
    transaction.replace_folder(tmp_path / "out" / "corpus", tmp_path / "new-corpus")
    with pytest.raises(OutputError, match=r"\.journal: an interrupted transaction is pending"):
        transaction.commit()
    assert recover(journal) is not None and recover(journal) is None


def test_a_damaged_journal_is_one_clear_error(tmp_path: Path) -> None:
    journal = tmp_path / ".journal"
    journal.write_text("{not json")
    with pytest.raises(OutputError, match=r"\.journal: not a transaction journal"):
        recover(journal)
    assert journal.exists()  # kept for its owner to look at


def test_a_failing_writer_puts_everything_back_at_once(tmp_path: Path) -> None:
    _layout(tmp_path)
    out = tmp_path / "out"
    before = snapshot(out)

    def write() -> None:
        (out / "constants.py").write_text("half")
        raise OSError(28, "No space left on device")

    transaction = Transaction(out / ".journal")
    transaction.replace_folder(out / "corpus", tmp_path / "new-corpus")
    transaction.run_in_place(InPlace(lambda: None, lambda: [out / "constants.py"], write))
    with pytest.raises(OSError, match="No space left"):
        transaction.commit()
    assert snapshot(out) == before


def test_a_transaction_under_way_is_never_taken_for_an_interrupted_one(tmp_path: Path) -> None:
    # Every writing verb first recovers what a kill interrupted. A second `generate` started
    # while one was writing used to find its journal and roll it back under it (the first
    # then said "written" of pages put back). The running transaction holds a lock that a
    # killed one does not (the system drops it with the process).
    journal = tmp_path / ".journal"
    target = tmp_path / "constants.py"
    target.write_text("old\n")
    refusals: list[str] = []

    def write() -> None:  # while the first transaction is under way, a second run starts
        for second in (lambda: recover(journal), Transaction(journal, "generate").commit):
            with pytest.raises(OutputError, match="another kms-permissions run is writing") as e:
                second()
            refusals.append(str(e.value))
        assert journal.exists() and target.read_text() == "old\n"  # left alone
        target.write_text("new\n")

    first = Transaction(journal, what="generate")
    first.run_in_place(InPlace(lambda: None, lambda: [target], write))
    first.commit()
    assert len(refusals) == 2 and target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["constants.py"]  # no journal, no lock
    assert recover(journal) is None
