"""IAM's wildcards, as the access evaluator uses them (see `kms_permissions.wildcards`)."""

from __future__ import annotations

from kms_permissions.wildcards import Piece, glob, matches, pieces_of

__all__ = ["Piece", "glob", "matches", "pieces_of"]
