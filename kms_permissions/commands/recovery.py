"""Finishing or rolling back an update a kill interrupted, before a writing verb runs.

Light on purpose: the command line calls it before every writing verb, and it imports the
transaction module (standard library only), not the update's machinery.
"""

from __future__ import annotations

import sys
from pathlib import Path

import kms_permissions


def recover_interrupted() -> str | None:
    """Recover from the journal in the checkout (beside `corpus/`), saying so on stderr; what
    was done, or None when nothing was pending."""
    from kms_permissions.dataset.transaction import JOURNAL, recover

    checkout = Path(kms_permissions.__file__).resolve().parent.parent
    done = recover(checkout / JOURNAL)
    if done is not None:
        print(f"kms-permissions: {done}", file=sys.stderr)
    return done
