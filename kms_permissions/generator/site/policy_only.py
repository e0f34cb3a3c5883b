"""key-policy-only.md and iam-policy-only.md: the actions only one policy type can allow, each
with the reason the facts give (`answers`)."""

from __future__ import annotations

from collections.abc import Callable

from kms_permissions.generator.markdown import text
from kms_permissions.generator.site.answers import iam_only_reason, key_policy_only_reason
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.sections import front_matter
from kms_permissions.model import ActionInfo

KEY_POLICY = "key-policy-only.md"
IAM_POLICY = "iam-policy-only.md"
PAGES: dict[str, tuple[str, str, Callable[[ActionInfo[str]], str | None]]] = {
    KEY_POLICY: (
        "Actions only a key policy can allow",
        "No IAM policy allows these on its own: the key policy must allow each, to the "
        "principal itself or, by allowing the account (enabling IAM policies, as the default "
        "key policy does), to the account's IAM policies, which can then allow it too.",
        key_policy_only_reason,
    ),
    IAM_POLICY: (
        "Actions only an IAM policy can allow",
        "A key policy cannot allow these: a key policy statement for them has no effect, so "
        "an IAM policy of the caller must allow each.",
        iam_only_reason,
    ),
}


def pages(site: Site) -> dict[str, str]:
    """key-policy-only.md and iam-policy-only.md."""
    return {path: _page(site, path, *spec) for path, spec in PAGES.items()}


def _page(
    site: Site,
    here: str,
    title: str,
    intro: str,
    reason: Callable[[ActionInfo[str]], str | None],
) -> str:
    names = site.sorted_names(list(site.actions))
    rows = [(a, why) for a in names if (why := reason(site.actions[a]))]
    other = IAM_POLICY if here == KEY_POLICY else KEY_POLICY
    parts = [
        front_matter(),
        f"# {title}",
        "",
        text(intro),
        "",
        f"{len(rows)} actions. The other list: "
        f"{site.link(PAGES[other][0], other, here)}; every action by where it can be granted: "
        f"{site.link('Key policy or IAM policy', 'policy-types.md', here)}.",
        "",
        site.as_of(),
        "",
        "| Action | Why |",
        "| --- | --- |",
        *(f"| {site.name_link(a, here)} | {text(why[0].upper() + why[1:])}. |" for a, why in rows),
        "",
    ]
    return "\n".join(parts)
