"""Which cryptographic operations a key's spec and usage allow.

The key specs and the usages each allows are KMS's own list (the API Reference's CreateKey,
KeySpec and KeyUsage: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html);
the dataset does not hold them, so they are declared here once (a test holds them to the
newest botocore model in the corpus). The operations of each usage come from the dataset:
the actions its algorithm condition key applies to (kms:EncryptionAlgorithm,
kms:SigningAlgorithm, kms:MacAlgorithm, kms:KeyAgreementAlgorithm).
"""

from __future__ import annotations

import re

from kms_permissions.policy.knowledge import Knowledge

# Records made without importing dataclasses (see kms_permissions._slotted); type
# checkers read them as the dataclasses they are.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from kms_permissions._slotted import dataclass

CREATE_KEY_PAGE = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"
ENCAPSULATE_DECAPSULATE = "ENCAPSULATE_DECAPSULATE"


@dataclass(frozen=True)
class KeySpec:
    """One key spec: the usages KMS allows for it (the first is CreateKey's default when it
    has only one) and whether it is symmetric."""

    name: str
    usages: tuple[str, ...]
    symmetric: bool

    @property
    def symmetric_encryption(self) -> bool:
        """The symmetric encryption key AWS services integrate with (CreateKey: "These
        services do not support asymmetric KMS keys or HMAC KMS keys")."""
        return self.symmetric and ENCRYPT_DECRYPT in self.usages


def _specs(names: str, usages: tuple[str, ...], symmetric: bool = False) -> list[KeySpec]:
    return [KeySpec(name, usages, symmetric) for name in names.split()]


KEY_SPECS: dict[str, KeySpec] = {
    spec.name: spec
    for spec in [
        *_specs("SYMMETRIC_DEFAULT", (ENCRYPT_DECRYPT,), symmetric=True),
        *_specs("HMAC_224 HMAC_256 HMAC_384 HMAC_512", (GENERATE_VERIFY_MAC,), symmetric=True),
        *_specs("RSA_2048 RSA_3072 RSA_4096", (ENCRYPT_DECRYPT, SIGN_VERIFY)),
        *_specs("ECC_NIST_P256 ECC_NIST_P384 ECC_NIST_P521", (SIGN_VERIFY, KEY_AGREEMENT)),
        *_specs("ECC_NIST_EDWARDS25519 ECC_SECG_P256K1", (SIGN_VERIFY,)),
        *_specs("ML_DSA_44 ML_DSA_65 ML_DSA_87", (SIGN_VERIFY,)),
        *_specs("ML_KEM_512 ML_KEM_768 ML_KEM_1024", (ENCAPSULATE_DECAPSULATE,)),
        # China Regions only.
        *_specs("SM2", (ENCRYPT_DECRYPT, SIGN_VERIFY, KEY_AGREEMENT)),
    ]
}
KEY_USAGES = (
    ENCRYPT_DECRYPT,
    SIGN_VERIFY,
    GENERATE_VERIFY_MAC,
    KEY_AGREEMENT,
    ENCAPSULATE_DECAPSULATE,
)

# The dataset's condition key naming each usage's algorithm: the actions it applies to are the
# usage's operations. Key encapsulation has no such key; its two permissions are named.
_ALGORITHM_KEY = {
    ENCRYPT_DECRYPT: "kms:EncryptionAlgorithm",
    SIGN_VERIFY: "kms:SigningAlgorithm",
    GENERATE_VERIFY_MAC: "kms:MacAlgorithm",
    KEY_AGREEMENT: "kms:KeyAgreementAlgorithm",
}
_ENCAPSULATION = ("kms:Encapsulate", "kms:Decapsulate")
# Every asymmetric key has a public key to download.
PUBLIC_KEY = "kms:GetPublicKey"
DESCRIBE_KEY = "kms:DescribeKey"
# "These permissions are valid only on the symmetric KMS keys that encrypt the data keys"
# (key-policy-default: kms:GenerateDataKey*): an asymmetric key encrypts and decrypts only.
_DATA_KEY = re.compile(r"kms:GenerateDataKey")


class KeySpecError(ValueError):
    """A key spec or usage KMS does not have, or that the dataset cannot back."""


def operations(spec: KeySpec, usage: str, facts: Knowledge) -> tuple[str, ...]:
    """The cryptographic operations (permission names, sorted) a key of `spec` with `usage`
    allows, from the dataset."""
    if usage == ENCAPSULATE_DECAPSULATE:
        found = {name for name in _ENCAPSULATION if facts.has_action(name)}
    else:
        found = facts.key_actions(_ALGORITHM_KEY[usage])
    if not spec.symmetric:
        found = {name for name in found if not _DATA_KEY.match(name)}
        if facts.has_action(PUBLIC_KEY):
            found.add(PUBLIC_KEY)
    if not found:
        raise KeySpecError(f"the dataset {facts.version} names no operation for {usage} keys")
    return tuple(sorted(found))


def cryptographic_operations(facts: Knowledge) -> frozenset[str]:
    """Every cryptographic operation some key allows (GetPublicKey, which reads the public key,
    is not one), from the dataset."""
    found = {
        name
        for spec in KEY_SPECS.values()
        for usage in spec.usages
        for name in operations(spec, usage, facts)
    }
    return frozenset(found - {PUBLIC_KEY})


def use_name(operation: str) -> str:
    """The name a spec gives a use: the API operation in kebab case (kms:ReEncryptFrom and
    kms:ReEncryptTo are both `re-encrypt`, the operation they authorize)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", operation).lower()
