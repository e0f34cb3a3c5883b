"""Which rules run: `select` and `ignore` (ids or prefixes, as ruff takes them), and rules
ignored for the statements with a given Sid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kms_permissions.policy.document import PolicyError
from kms_permissions.policy.reading import shown
from kms_permissions.policy.registry import all_rules

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from kms_permissions._slotted import dataclass, field


def _codes(names: Iterable[str], what: str) -> tuple[str, ...]:
    """Rule ids or prefixes, each matching at least one rule (`ALL` selects every rule)."""
    ids = [rule.rule_id for rule in all_rules()]
    found = []
    for name in names:
        code = name.strip().upper()
        if code != "ALL" and not any(i.startswith(code) for i in ids):
            raise PolicyError(
                f"{what}: {shown(name)} names no rule (rules: {ids[0]} ... {ids[-1]}; "
                "`kms-permissions check --list-rules` lists them)"
            )
        found.append("" if code == "ALL" else code)
    return tuple(found)


@dataclass(frozen=True)
class Selection:
    """Rules selected, rules ignored, and rules ignored per Sid."""

    select: tuple[str, ...] = ("",)
    ignore: tuple[str, ...] = ()
    per_sid: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        per_sid: Mapping[str, Iterable[str]] | None = None,
    ) -> Selection:
        """A selection, every id checked against the rules."""
        return cls(
            select=_codes(select, "select") if select else ("",),
            ignore=_codes(ignore or (), "ignore"),
            per_sid={
                sid: _codes(codes, f"per-sid-ignores {sid!r}")
                for sid, codes in (per_sid or {}).items()
            },
        )

    def selects(self, rule_id: str) -> bool:
        """Whether the rule runs at all (the longer matching prefix of select and ignore
        wins, as in ruff: `--select KMS04 --ignore KMS044`)."""
        chosen = max((len(c) for c in self.select if rule_id.startswith(c)), default=-1)
        dropped = max((len(c) for c in self.ignore if rule_id.startswith(c)), default=-1)
        return chosen > dropped

    def keeps(self, rule_id: str, sid: str | None) -> bool:
        """Whether a finding of the rule on a statement with this Sid is reported."""
        if sid is None or sid not in self.per_sid:
            return True
        return not any(rule_id.startswith(code) for code in self.per_sid[sid])
