"""The generated constants: coverage, facts, helpers, purity and hostile text."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Literal, get_args, get_origin

import pytest

import kms_permissions
from kms_permissions import constants as c
from kms_permissions.cli import main
from kms_permissions.generator.constants import GenerationError, render
from kms_permissions.generator.pysource import literal
from kms_permissions.reference import Reference

HOSTILE = (
    "He said \"hi\" and 'bye'",
    "back\\slash \\n not a newline",
    '"""; import os; os.system("touch pwned-docstring"); """',
    "line one\nline two\r\n\ttabbed",
    "# not a comment",
    "non-ASCII: é ✓ 😀 \u2028 \x00 \x7f",
    "'); __import__('os').system('touch pwned-call'); ('",
    "{{ jinja }} ${template} %s {0}",
)


def test_constants_cover_the_bundled_dataset() -> None:
    reference = kms_permissions.load()
    assert {a.value for a in c.Action} == set(reference.actions)
    assert {k.value for k in c.ConditionKey} == set(reference.condition_keys)
    assert set(c.ACTIONS) == set(c.Action)
    assert set(c.CONDITION_KEYS) == set(c.ConditionKey)
    assert c.DATASET_VERSION == reference.version == kms_permissions.DATASET_VERSION
    for action, info in c.ACTIONS.items():
        loaded = reference.actions[action.value]
        assert info == loaded, action


def test_generated_module_is_up_to_date() -> None:
    assert main(["generate", "--check"]) == 0


def test_facts_at_hand() -> None:
    retire = c.ACTIONS[c.Action.RETIRE_GRANT]
    assert retire.iam_policy_only and retire.key_policy_effective is False
    assert c.ACTIONS[c.Action.DECRYPT].usable_cross_account
    assert not c.ACTIONS[c.Action.SCHEDULE_KEY_DELETION].usable_cross_account
    create_alias = c.ACTIONS[c.Action.CREATE_ALIAS]
    assert [g.resources for g in create_alias.grants] == [("alias",), ("key",)]
    groups = {g.label: g.keys for g in c.ACTIONS[c.Action.CREATE_GRANT].grants[0].condition_keys}
    assert c.ConditionKey.GRANT_OPERATIONS in groups["Grant conditions"]
    assert all(isinstance(k, c.ConditionKey) for k in groups["Grant conditions"])
    name: str = c.Action.RE_ENCRYPT_FROM  # a StrEnum member is its string
    assert name == "kms:ReEncryptFrom"
    assert c.ConditionKey.ENCRYPTION_CONTEXT.value == "kms:EncryptionContext:${context-key}"
    keys = c.CONDITION_KEYS[c.ConditionKey.ENCRYPTION_CONTEXT_KEYS]
    assert keys.multi_valued and keys.condition_type == "String (list)"
    assert c.CONDITION_KEYS[c.ConditionKey.CUSTOMER_MASTER_KEY_SPEC].replacement == "kms:KeySpec"
    assert isinstance(c.ACTIONS, MappingProxyType)
    with pytest.raises(dataclasses.FrozenInstanceError):
        retire.description = "changed"  # type: ignore[misc]


def test_template_helpers() -> None:
    assert c.encryption_context("Department") == "kms:EncryptionContext:Department"
    assert c.resource_tag("Project") == "aws:ResourceTag/Project"
    assert c.request_tag("Project") == "aws:RequestTag/Project"
    assert c.recipient_attestation_pcr("0") == "kms:RecipientAttestation:PCR0"
    with pytest.raises(ValueError, match="not a valid context-key"):
        c.encryption_context("")


def test_import_is_pure_python() -> None:
    code = (
        "import sys, kms_permissions.constants as c; "
        "bad = [m for m in ('pyarrow', 'bs4', 'requests', 'lxml', 'json') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_facts_and_aliases_are_built_on_first_use() -> None:
    # Importing the module creates the enums only; the facts (and the model behind them) come
    # on first access, once, and `from ... import` works as ever. Neither imports typing or
    # dataclasses (the model's classes are `_slotted` at run time).
    code = """
import sys
import kms_permissions.constants as c
print(sorted(m for m in ("typing", "dataclasses", "kms_permissions.model") if m in sys.modules))
print(sorted(n for n in ("ACTIONS", "CONDITION_KEYS", "ActionName") if n in vars(c)))
from kms_permissions.constants import ACTIONS, Action
print(ACTIONS is c.ACTIONS, type(ACTIONS[Action.DECRYPT]).__name__, "ACTIONS" in vars(c))
print(sorted(m for m in ("typing", "dataclasses", "inspect") if m in sys.modules))
print("CONDITION_KEYS" in dir(c), "ConditionKeyName" in dir(c))
try:
    c.ACTION_NAMES
except AttributeError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "[]",
        "[]",
        "True ActionInfo True",
        "[]",
        "True True",
        "module 'kms_permissions.constants' has no attribute 'ACTION_NAMES'",
    ]


def test_literal_aliases_at_run_time() -> None:
    reference = kms_permissions.load()
    assert get_origin(c.ActionName) is Literal
    assert get_args(c.ActionName) == tuple(sorted(reference.actions))
    assert get_args(c.ConditionKeyName) == tuple(sorted(reference.condition_keys))
    assert all(type(name) is str for name in get_args(c.ActionName))
    assert c.CONDITION_KEYS is c.CONDITION_KEYS and len(c.CONDITION_KEYS) == len(c.ConditionKey)


def _module_from(source: str, tmp_path: Path, name: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hostile_reference(text: str) -> Reference:
    reference = kms_permissions.load()
    actions = dict(reference.actions)
    decrypt = actions["kms:Decrypt"]
    grant = dataclasses.replace(decrypt.grants[0], qualifier=text, cross_account_text=text)
    actions["kms:Decrypt"] = dataclasses.replace(
        decrypt, description=text, note=text, grants=(grant,), operation=text
    )
    keys = dict(reference.condition_keys)
    keys["kms:ViaService"] = dataclasses.replace(keys["kms:ViaService"], description=text)
    return dataclasses.replace(
        reference, actions=MappingProxyType(actions), condition_keys=MappingProxyType(keys)
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_comes_out_as_strings(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = render(_hostile_reference(text))
    module = _module_from(source, tmp_path, "hostile_constants")
    info = module.ACTIONS[module.Action.DECRYPT]
    assert (info.description, info.note, info.operation) == (text, text, text)
    assert info.grants[0].qualifier == text
    assert module.CONDITION_KEYS[module.ConditionKey.VIA_SERVICE].description == text
    assert not list(tmp_path.glob("pwned*"))
    compile(source, "hostile.py", "exec")


def test_literal_round_trips_every_character() -> None:
    sample = "".join(chr(i) for i in range(0, 0x3000, 7)) + "\U0001f600\ud7ff\"'\\"
    assert eval(literal(sample)) == sample


def test_hostile_key_names_stay_strings(tmp_path: Path) -> None:
    reference = kms_permissions.load()
    keys = dict(reference.condition_keys)
    name = 'kms:Evil"); import os #'
    keys[name] = dataclasses.replace(keys["kms:ViaService"], condition_key=name)
    module = _module_from(
        render(dataclasses.replace(reference, condition_keys=MappingProxyType(keys))),
        tmp_path,
        "hostile_names",
    )
    assert name == module.ConditionKey.EVIL_IMPORT_OS
    twin = dict(keys)
    twin["kms:Evil-Import-OS"] = keys[name]
    with pytest.raises(GenerationError, match="taken twice"):
        render(dataclasses.replace(reference, condition_keys=MappingProxyType(twin)))


@pytest.mark.parametrize("seed", ["0", "31337"])
@pytest.mark.slow
def test_generated_files_do_not_depend_on_hash_seed_or_locale(seed: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": seed, "LC_ALL": "C", "LANG": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "kms_permissions", "generate", "--check"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
