"""For which principals AWS sets each global condition key: declared once, read by the checker.

The IAM User Guide's "AWS global condition context keys" page gives each key's availability;
the page is not part of the KMS corpus, so the facts the checker relies on are declared here,
each with the anchor of its entry. Only keys whose availability depends on the principal type
and that the guide states plainly are listed: the `aws:Source*` keys are set only when an AWS
service principal calls directly; the organization and tag keys of the principal are set only
for IAM principals (a service principal is in no organization and has no tags).
"""

from __future__ import annotations

from kms_permissions.policy.knowledge import IAM_GUIDE

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

GLOBAL_KEYS_PAGE = f"{IAM_GUIDE}/reference_policies_condition-keys.html"
# Principal types of a statement's Principal element; an IAM policy's principal is "AWS".
SERVICE = "Service"
IAM = "AWS"


@dataclass(frozen=True)
class Presence:
    """Which principal type's requests carry a global key, what to use for the others, and
    the page that says so."""

    key: str
    only_for: str
    instead: str
    anchor: str

    @property
    def link(self) -> str:
        """The key's entry in the IAM User Guide."""
        return f"{GLOBAL_KEYS_PAGE}#{self.anchor}"


PRESENCE: tuple[Presence, ...] = (
    Presence("aws:SourceAccount", SERVICE, "aws:PrincipalAccount", "condition-keys-sourceaccount"),
    Presence("aws:SourceArn", SERVICE, "aws:PrincipalArn", "condition-keys-sourcearn"),
    Presence("aws:SourceOrgID", SERVICE, "aws:PrincipalOrgID", "condition-keys-sourceorgid"),
    Presence(
        "aws:SourceOrgPaths", SERVICE, "aws:PrincipalOrgPaths", "condition-keys-sourceorgpaths"
    ),
    Presence("aws:PrincipalOrgID", IAM, "aws:SourceOrgID", "condition-keys-principalorgid"),
    Presence(
        "aws:PrincipalOrgPaths", IAM, "aws:SourceOrgPaths", "condition-keys-principalorgpaths"
    ),
    Presence(
        "aws:PrincipalTag/",
        IAM,
        "aws:SourceAccount or aws:SourceArn",
        "condition-keys-principaltag",
    ),
)


def presence(key: str) -> Presence | None:
    """The availability of a global key (any case; `aws:PrincipalTag/tag-key` by its prefix)."""
    lowered = key.lower()
    for entry in PRESENCE:
        name = entry.key.lower()
        if lowered == name or (name.endswith("/") and lowered.startswith(name)):
            return entry
    return None
