"""The plain answers that open each action page, and the lists of actions only one policy
type can allow: each follows the facts of the dataset."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from kms_permissions.generator.site import answers
from kms_permissions.generator.site.context import Site
from kms_permissions.generator.site.policy_only import IAM_POLICY, KEY_POLICY, pages
from kms_permissions.model import ActionInfo
from kms_permissions.reference import load, load_history, load_manifest


@cache
def _site() -> Site:
    reference = load()
    return Site(reference, load_history(reference), list(load_manifest(reference)["files"]))


def _info(action: str) -> ActionInfo[str]:
    return _site().actions[action]


def _said(action: str) -> dict[str, str]:
    return dict(answers.answers(_info(action)))


def test_a_key_policy_permission_reads_as_key_policy_first_iam_too() -> None:
    said = _said("kms:Decrypt")
    assert list(said) == list(answers.QUESTIONS)
    assert said["Same account"].startswith("The key policy must allow it")
    assert "an IAM policy counts too" in said["Key policy or IAM policy"]
    # Decrypt is usable across accounts: both sides must allow it.
    assert _info("kms:Decrypt").cross_account == "yes"
    assert "both sides" in said["Another account"]
    assert "an IAM policy in that account" in said["Another account"]


def test_answers_follow_the_facts_not_the_name() -> None:
    decrypt = _info("kms:Decrypt")
    flipped = replace(decrypt, cross_account="no")
    assert (
        "cannot be used from another account" in dict(answers.answers(flipped))["Another account"]
    )
    iam_only = replace(decrypt, policy_types=("iam-policy",), resources=("*",))
    said = dict(answers.answers(iam_only))
    assert said["Key policy or IAM policy"].startswith("Only an IAM policy")
    assert said["Grants"].startswith("No:")


def test_iam_only_permissions_say_why() -> None:
    assert "acts on no KMS key" in _said("kms:CreateKey")["Key policy or IAM policy"]
    retire = _said("kms:RetireGrant")
    assert "has no effect" in retire["Key policy or IAM policy"]
    assert "Only an IAM policy" in retire["Key policy or IAM policy"]


def test_alias_permissions_need_both_policies() -> None:
    said = _said("kms:CreateAlias")
    assert said["Key policy or IAM policy"] == (
        "Both are needed: the key policy for the KMS key and an IAM policy for the alias."
    )


def test_an_action_without_facts_is_not_guessed() -> None:
    info = _info("kms:SynchronizeMultiRegionKey")
    assert not info.policy_types
    said = dict(answers.answers(info))
    for question in ("Same account", "Another account", "Key policy or IAM policy"):
        assert said[question].startswith("Not known")


def test_every_action_page_opens_with_the_four_answers() -> None:
    from kms_permissions.generator.site.action_pages import pages as action_pages

    for path, page in action_pages(_site()).items():
        body = page.split("\n# ", 1)[1].split("\n", 2)[2]
        body = body.removeprefix("<div data-search-exclude markdown>\n\n")  # out of search
        firsts = re.findall(r"^- \*\*([^*]+):\*\* ", body.split("\n\n", 1)[0], re.M)
        assert firsts == list(answers.QUESTIONS), path


def test_only_lists_hold_exactly_the_actions_of_one_policy_type() -> None:
    site = _site()
    written = pages(site)
    for path, kind in ((KEY_POLICY, "key-policy"), (IAM_POLICY, "iam-policy")):
        listed = set(re.findall(r"^\| \[<code>(kms:\w+)</code>\]", written[path], re.M))
        expected = {a for a, i in site.actions.items() if i.policy_types == (kind,)}
        assert listed == expected and expected, path
        rows = [line for line in written[path].split("\n") if line.startswith("| [")]
        assert all(line.endswith(". |") and len(line.split(" | ")[1]) > 20 for line in rows)
