"""Worked cases written from AWS pages the first cases did not cite, or parts of them they did not
cover: condition operators and their case rules, set operators on multivalued keys, Null and
IfExists, Deny with NotAction or NotResource, wildcard principals limited by conditions, alias and
tag conditions, grant constraints, and requests whose answer rests on what they do not give.

Each decision was written from its page before the case was run.
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.case_kit import (
    ACCOUNT,
    ADMIN_ROLE,
    APP_ROLE,
    APP_SESSION,
    EXTERNAL_ROLE,
    KEY_ARN,
    ORG_ID,
    OTHER_ACCOUNT,
    ROOT,
    SLR_ROLE,
    SLR_SESSION,
    USE_ACTIONS,
    USER,
    VPCE,
    Case,
    Json,
    enable_iam,
    iam_policy,
    policy,
    request,
    statement,
)
from kms_permissions.policy.knowledge import DEFAULT_ADMIN_ACTIONS

OTHER_KEY = KEY_ARN.replace(
    "1234abcd-12ab-34cd-56ef-1234567890ab", "5678efgh-56ef-78gh-90ij-5678efgh90ij"
)
ADMIN_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/KeyAdmin/admin-session"
EXTERNAL_USER = f"arn:aws:iam::{OTHER_ACCOUNT}:user/Bob"
EXTERNAL_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
EC2 = "ec2.us-west-2.amazonaws.com"
RDS = "rds.us-west-2.amazonaws.com"


def as_role(principal: str, action: str, context: Json | None = None, **extra: object) -> Json:
    """A request from the App role's session, naming the role's ARN."""
    return {**request(principal, action, context), "principal_arn": APP_ROLE, **extra}


def app_allows(actions: str | list[str], condition: Json, sid: str = "App") -> Json:
    """A key policy that enables IAM policies and allows the App role these actions if..."""
    return policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, actions, sid, condition))


# The default key policy's statement for key users' grants.
PERSISTENT_RESOURCES = statement(
    "Allow",
    {"AWS": APP_ROLE},
    ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
    "Allow attachment of persistent resources",
    {"Bool": {"kms:GrantIsForAWSResource": "true"}},
)
# A key administrator who may do everything but use the key (a Deny with NotAction): the
# administrators statement of the console's default key policy, as the guide writes it.
ADMIN_ACTIONS = list(DEFAULT_ADMIN_ACTIONS)
ADMIN_ONLY = policy(
    enable_iam(),
    statement("Allow", {"AWS": ADMIN_ROLE}, "kms:*", "Key administrator"),
    {
        "Sid": "Administration only",
        "Effect": "Deny",
        "Principal": {"AWS": ADMIN_ROLE},
        "NotAction": ADMIN_ACTIONS,
        "Resource": "*",
    },
)
# An identity policy that allows decryption with any key but denies KMS on every other key.
ONE_KEY_ONLY = policy(
    {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
    {"Effect": "Deny", "Action": "kms:*", "NotResource": KEY_ARN},
)
REQUIRE_CONTEXT = policy(
    enable_iam(),
    statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
    statement(
        "Deny",
        "*",
        "kms:Encrypt",
        "Encrypt only with an encryption context",
        {"Null": {"kms:EncryptionContextKeys": "true"}},
    ),
)
ONLY_PROJECT_KEY = app_allows(
    "kms:Encrypt",
    {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["Project"]}},
    "Only the Project pair",
)
ORG_WIDE = policy(
    enable_iam(),
    statement(
        "Allow",
        "*",
        USE_ACTIONS,
        "The organization",
        {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
    ),
)
# An RCP's RCPFullAWSAccess is implied: its Deny statements are what it adds.
DENY_DELETION_RCP = policy(
    {
        "Sid": "NoKeyDeletion",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:ScheduleKeyDeletion",
        "Resource": "*",
    },
)
OFFICE_ONLY = policy(
    enable_iam(),
    statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
    statement(
        "Deny",
        "*",
        "kms:*",
        "Only from the office",
        {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
    ),
)
PRIMARY = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
# Only us-west-2 (the Organizations guide's Region restriction, shortened).
REGION_ONLY_SCP = policy(
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {
        "Sid": "DenyOutsideUSWest2",
        "Effect": "Deny",
        "NotAction": ["iam:*", "organizations:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-west-2"}},
    },
)
# A grant without constraints or retiring principal.
PLAIN_GRANT = {
    "KeyId": KEY_ARN,
    "GrantId": "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
    "Name": "app-decrypt-plain",
    "GranteePrincipal": APP_ROLE,
    "IssuingAccount": ROOT,
    "Operations": ["Decrypt"],
}
SUBSET_GRANT = {
    "KeyId": KEY_ARN,
    "GrantId": "6f1a1e3c7d0b2a4e8c9f5d3b1a7e2c4d6f8a0b2c4e6d8f0a2c4e6b8d0f2a4c6e",
    "Name": "app-decrypt-subset",
    "GranteePrincipal": APP_ROLE,
    "IssuingAccount": ROOT,
    "Operations": ["Decrypt"],
    "Constraints": {"EncryptionContextSubset": {"Department": "IT"}},
}

GUIDE_CASES: tuple[Case, ...] = (
    Case(
        "grant-for-aws-resource-direct",
        "Key users may create grants only through an integrated service: a direct call",
        "kms:GrantIsForAWSResource allows CreateGrant only when an AWS service integrated with "
        "KMS sends the request for the principal; a direct call does not have it true.",
        docs.GRANT_AUTHORIZATION,
        policy(enable_iam(), PERSISTENT_RESOURCES),
        as_role(APP_SESSION, "kms:CreateGrant", {"kms:GrantOperations": ["Decrypt"]}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "grant-for-aws-resource-through-service",
        "Key users may create grants only through an integrated service: through EC2",
        "Through EC2 the service sets kms:GrantIsForAWSResource to true, and the statement allows.",
        docs.GRANT_IS_FOR_AWS_RESOURCE,
        policy(enable_iam(), PERSISTENT_RESOURCES),
        as_role(
            APP_SESSION,
            "kms:CreateGrant",
            {
                "kms:GrantOperations": ["Decrypt"],
                "kms:GrantIsForAWSResource": True,
                "kms:ViaService": EC2,
            },
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "condition-key-name-any-case",
        "A condition key's name in any case",
        "Condition key names are not case-sensitive: KMS:CALLERACCOUNT is kms:CallerAccount.",
        docs.CONDITION_ELEMENT,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"AWS": "*"},
                "kms:Decrypt",
                "The account",
                {"StringEquals": {"KMS:CALLERACCOUNT": ACCOUNT}},
            ),
        ),
        as_role(APP_SESSION, "kms:Decrypt"),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "string-equals-ignore-case",
        "StringEqualsIgnoreCase compares values ignoring case",
        "StringEqualsIgnoreCase is exact matching that ignores case: `it` matches `IT`.",
        docs.STRING_OPERATORS,
        app_allows(
            "kms:Decrypt", {"StringEqualsIgnoreCase": {"kms:EncryptionContext:Department": "it"}}
        ),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:EncryptionContext:Department": "IT"}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "string-like-value-case",
        "StringLike compares values case-sensitively",
        "StringLike is case-sensitive matching: `Alpha*` does not match `alpha-1`.",
        docs.STRING_OPERATORS,
        app_allows("kms:Decrypt", {"StringLike": {"kms:EncryptionContext:Project": "Alpha*"}}),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:EncryptionContext:Project": "alpha-1"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "if-exists-key-absent",
        "StringEqualsIfExists when the request has no such key",
        "With ...IfExists a condition whose key is not in the request evaluates to true: a direct "
        "call has no kms:ViaService, so the statement allows.",
        docs.IF_EXISTS,
        app_allows("kms:Decrypt", {"StringEqualsIfExists": {"kms:ViaService": RDS}}),
        as_role(APP_SESSION, "kms:Decrypt"),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "if-exists-key-other-value",
        "StringEqualsIfExists when the request has the key with another value",
        "When the key is present, ...IfExists compares it as the operator says: EC2 is not RDS.",
        docs.IF_EXISTS,
        app_allows("kms:Decrypt", {"StringEqualsIfExists": {"kms:ViaService": RDS}}),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:ViaService": EC2}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "null-denies-without-context",
        "A Deny with Null: encryption requires an encryption context",
        "Null with true holds when the key is absent: an Encrypt request without an encryption "
        "context has no kms:EncryptionContextKeys, and the Deny applies.",
        docs.NULL_OPERATOR,
        REQUIRE_CONTEXT,
        as_role(APP_SESSION, "kms:Encrypt"),
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
    ),
    Case(
        "null-with-context",
        "The same Deny when the request has an encryption context",
        "With an encryption context kms:EncryptionContextKeys is present, Null with true fails, "
        "and the key policy allows.",
        docs.ENCRYPTION_CONTEXT_KEYS,
        REQUIRE_CONTEXT,
        as_role(APP_SESSION, "kms:Encrypt", {"kms:EncryptionContext:Project": "alpha"}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "for-any-value-context-keys",
        "ForAnyValue: one encryption context key among the policy's is enough",
        "ForAnyValue holds when at least one value of the multivalued key matches: the request "
        "has Project and Team.",
        docs.MULTI_VALUED,
        app_allows(
            "kms:Encrypt", {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "Project"}}
        ),
        as_role(
            APP_SESSION,
            "kms:Encrypt",
            {"kms:EncryptionContext:Project": "alpha", "kms:EncryptionContext:Team": "blue"},
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "for-all-values-key-absent",
        "ForAllValues with an Allow holds when the request has no value",
        "ForAllValues also returns true when the key is not in the request: an Encrypt request "
        "without an encryption context meets it.",
        docs.MULTI_VALUED,
        ONLY_PROJECT_KEY,
        as_role(APP_SESSION, "kms:Encrypt"),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "for-all-values-extra-key",
        "ForAllValues fails when one request value is not listed",
        "Every value of the request's kms:EncryptionContextKeys must match: Team is not listed.",
        docs.MULTI_VALUED,
        ONLY_PROJECT_KEY,
        as_role(
            APP_SESSION,
            "kms:Encrypt",
            {"kms:EncryptionContext:Project": "alpha", "kms:EncryptionContext:Team": "blue"},
        ),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "condition-values-or",
        "Several values for one key: any of them",
        "Several values for one condition key are evaluated with a logical OR: RDS is one of them.",
        docs.CONDITION_LOGIC,
        app_allows("kms:Decrypt", {"StringEquals": {"kms:ViaService": [EC2, RDS]}}),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:ViaService": RDS}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "condition-keys-and",
        "Several keys in a condition: all of them",
        "Several condition keys are evaluated with a logical AND: the service matches but the "
        "caller's account does not.",
        docs.CONDITION_LOGIC,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"AWS": "*"},
                "kms:Decrypt",
                "Through EC2 for the partner",
                {"StringEquals": {"kms:ViaService": EC2, "kms:CallerAccount": OTHER_ACCOUNT}},
            ),
        ),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:ViaService": EC2}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "negated-operator-several-values",
        "A Deny with StringNotEquals and several values: none of them",
        "A negated operator with several values holds only when the request matches none of "
        "them: through RDS the Deny does not apply.",
        docs.CONDITION_LOGIC,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
            statement(
                "Deny",
                {"AWS": APP_ROLE},
                "kms:Decrypt",
                "Only through EC2 or RDS",
                {"StringNotEquals": {"kms:ViaService": [EC2, RDS]}},
            ),
        ),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:ViaService": RDS}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "deny-not-action-use",
        "A Deny with NotAction keeps a key administrator from using the key",
        "A Deny with NotAction denies every action not listed: Decrypt is not an administrative "
        "action.",
        docs.NOT_ACTION,
        ADMIN_ONLY,
        {**request(ADMIN_SESSION, "kms:Decrypt"), "principal_arn": ADMIN_ROLE},
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
    ),
    Case(
        "deny-not-action-listed",
        "The same Deny spares the actions it lists",
        "PutKeyPolicy is listed (kms:Put*), so the Deny does not apply and the Allow does.",
        docs.NOT_ACTION,
        ADMIN_ONLY,
        {**request(ADMIN_SESSION, "kms:PutKeyPolicy"), "principal_arn": ADMIN_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "deny-not-resource-other-key",
        "An IAM policy's Deny with NotResource: every other key",
        "A Deny with NotResource applies to every resource not listed: the other key.",
        docs.NOT_RESOURCE,
        policy(enable_iam()),
        {**as_role(APP_SESSION, "kms:Decrypt"), "key_arn": OTHER_KEY},
        "explicit-deny",
        (("explicit-deny", "iam-policy", 1),),
        iam_policies=(ONE_KEY_ONLY,),
    ),
    Case(
        "deny-not-resource-listed-key",
        "The same Deny spares the key it lists",
        "The listed key is not denied, and the Allow on every resource allows it.",
        docs.NOT_RESOURCE,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Decrypt"),
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(ONE_KEY_ONLY,),
    ),
    Case(
        "principal-org-id-external",
        'Principal "*" with aws:PrincipalOrgID: a role of another account in the organization',
        "aws:PrincipalOrgID is the organization of the requesting principal; across accounts "
        "its own IAM policy must allow too, as it does.",
        docs.PRINCIPAL_ORG_ID,
        ORG_WIDE,
        request(EXTERNAL_ROLE, "kms:Decrypt", {"aws:PrincipalOrgID": ORG_ID}),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "principal-org-id-external-no-iam",
        "The same key policy without the external role's IAM policy",
        "Across accounts the key policy alone does not allow: the caller's identity policy must "
        "allow too.",
        docs.CROSS_ACCOUNT_EVALUATION,
        ORG_WIDE,
        request(EXTERNAL_ROLE, "kms:Decrypt", {"aws:PrincipalOrgID": ORG_ID}),
        "implicit-deny",
        (("no-iam-allow-external", "iam-policy", None),),
    ),
    Case(
        "principal-org-id-other-org",
        "The same key policy, a principal of another organization",
        "aws:PrincipalOrgID of another organization does not match; the IAM policy alone "
        "cannot allow across accounts.",
        docs.PRINCIPAL_ORG_ID,
        ORG_WIDE,
        request(EXTERNAL_ROLE, "kms:Decrypt", {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("does-not-apply", "key-policy", 1),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "caller-account-external",
        "kms:CallerAccount naming another account",
        "kms:CallerAccount is the account of the caller: a key policy statement for everyone in "
        "the partner account, with the partner role's IAM policy, allows.",
        docs.CALLER_ACCOUNT,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"AWS": "*"},
                USE_ACTIONS,
                "The partner account",
                {"StringEquals": {"kms:CallerAccount": OTHER_ACCOUNT}},
            ),
        ),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "key-policy-without-root",
        "A key policy that does not allow the account: its root user is refused too",
        "No principal has any permission on a KMS key unless a policy provides it; a key policy "
        "that names only the administrators gives the account's root user nothing.",
        docs.CONTROL_ACCESS,
        policy(statement("Allow", {"AWS": ADMIN_ROLE}, ADMIN_ACTIONS, "Key administrators")),
        request(ROOT, "kms:PutKeyPolicy"),
        "implicit-deny",
        (("no-key-policy-allow", "key-policy", None), ("does-not-apply", "key-policy", 0)),
    ),
    Case(
        "request-alias-named",
        "kms:RequestAlias: the request names the key by the alias",
        "kms:RequestAlias allows a cryptographic operation only when the request identifies the "
        "key by that alias.",
        docs.REQUEST_ALIAS,
        policy(enable_iam()),
        {**as_role(APP_SESSION, "kms:Encrypt"), "alias": "alias/app"},
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Encrypt",
                resource="*",
                Condition={"StringEquals": {"kms:RequestAlias": "alias/app"}},
            ),
        ),
    ),
    Case(
        "request-alias-key-id",
        "kms:RequestAlias: the request names the key by its ID",
        "A request that identifies the key by its key ID or ARN has no kms:RequestAlias, so the "
        "condition fails.",
        docs.REQUEST_ALIAS,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Encrypt"),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("does-not-apply", "iam-policy", 0),
        ),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Encrypt",
                resource="*",
                Condition={"StringEquals": {"kms:RequestAlias": "alias/app"}},
            ),
        ),
    ),
    Case(
        "resource-aliases-any",
        "kms:ResourceAliases with ForAnyValue: one of the key's aliases",
        "kms:ResourceAliases is the key's aliases, a multivalued key: ForAnyValue holds when one "
        "of them matches.",
        docs.RESOURCE_ALIASES,
        policy(enable_iam()),
        {
            **as_role(APP_SESSION, "kms:Decrypt"),
            "aliases": ["alias/finance-key", "alias/shared"],
        },
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Decrypt",
                resource=f"arn:aws:kms:*:{ACCOUNT}:key/*",
                Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/finance-*"}},
            ),
        ),
    ),
    Case(
        "resource-aliases-none",
        "kms:ResourceAliases with ForAnyValue: a key without aliases",
        "A key with no alias has no kms:ResourceAliases; ForAnyValue is false when the key is "
        "absent.",
        docs.RESOURCE_ALIASES,
        policy(enable_iam()),
        {**as_role(APP_SESSION, "kms:Decrypt"), "aliases": []},
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("does-not-apply", "iam-policy", 0),
        ),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Decrypt",
                resource=f"arn:aws:kms:*:{ACCOUNT}:key/*",
                Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/finance-*"}},
            ),
        ),
    ),
    Case(
        "abac-resource-tag",
        "Attribute-based access: the key's tag",
        "An IAM policy can allow use of the keys whose tag aws:ResourceTag/Project has a value.",
        docs.ABAC,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Decrypt", {"aws:ResourceTag/Project": "Alpha"}),
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Decrypt",
                resource=f"arn:aws:kms:*:{ACCOUNT}:key/*",
                Condition={"StringEquals": {"aws:ResourceTag/Project": "Alpha"}},
            ),
        ),
    ),
    Case(
        "abac-resource-tag-value-case",
        "Attribute-based access: a tag value in another case",
        "StringEquals compares tag values case-sensitively: `alpha` is not `Alpha`.",
        docs.ABAC,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Decrypt", {"aws:resourcetag/Project": "alpha"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("does-not-apply", "iam-policy", 0),
        ),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Decrypt",
                resource=f"arn:aws:kms:*:{ACCOUNT}:key/*",
                Condition={"StringEquals": {"aws:ResourceTag/Project": "Alpha"}},
            ),
        ),
    ),
    Case(
        "key-spec-create-key",
        "kms:KeySpec limits CreateKey to symmetric keys",
        "kms:KeySpec is the key spec of the key CreateKey creates: RSA_2048 is not "
        "SYMMETRIC_DEFAULT.",
        docs.KEY_SPEC,
        policy(enable_iam()),
        {"principal": USER, "action": "kms:CreateKey", "context": {"kms:KeySpec": "RSA_2048"}},
        "implicit-deny",
        (("no-iam-allow", "iam-policy", None), ("does-not-apply", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:CreateKey",
                resource="*",
                Condition={"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}},
            ),
        ),
    ),
    Case(
        "principal-arn-role-path",
        'Principal "*" with ArnLike on aws:PrincipalArn: a role under a path',
        "For a role session aws:PrincipalArn is the role's ARN with its path, which ArnLike "
        "matches.",
        docs.PRINCIPAL_ARN,
        policy(
            enable_iam(),
            statement(
                "Allow",
                "*",
                "kms:Decrypt",
                "Team roles",
                {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/teams/*"}},
            ),
        ),
        {
            **request(APP_SESSION, "kms:Decrypt"),
            "principal_arn": f"arn:aws:iam::{ACCOUNT}:role/teams/App",
        },
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "not-principal-external-user-listed",
        "A Deny with NotPrincipal listing another account's user and its account",
        "NotPrincipal with Deny spares a principal listed with its account's ARN; the key policy "
        "and the user's IAM policy allow.",
        docs.NOT_PRINCIPAL,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": EXTERNAL_ROOT}, USE_ACTIONS, "The partner account"),
            {
                "Sid": "Only Bob of the partner",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROOT, EXTERNAL_ROOT, EXTERNAL_USER]},
                "Action": "kms:*",
                "Resource": "*",
            },
        ),
        request(EXTERNAL_USER, "kms:Decrypt"),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "rcp-denies-root-user",
        "An RCP binds the key owner's root user",
        "An RCP sets the most any identity may do on the organization's resources: the Deny "
        "applies to the account's own root user.",
        docs.RCP,
        policy(enable_iam()),
        request(ROOT, "kms:ScheduleKeyDeletion"),
        "explicit-deny",
        (("explicit-deny", "rcp", 0),),
        rcps=(DENY_DELETION_RCP,),
    ),
    Case(
        "rcp-management-account-key",
        "RCPs do not affect the management account's resources",
        "RCPs affect only resources in member accounts: the key of the management account is "
        "not bound.",
        docs.RCP,
        policy(enable_iam()),
        {**request(ROOT, "kms:ScheduleKeyDeletion"), "management_account": ACCOUNT},
        "allow",
        (("key-policy-allows", "key-policy", 0), ("rcp-not-used", "rcp", None)),
        rcps=(DENY_DELETION_RCP,),
    ),
    Case(
        "rcp-service-linked-role",
        "RCPs do not restrict service-linked roles",
        "Actions of service-linked roles are not restricted by RCPs.",
        docs.RCP_EXEMPT,
        policy(enable_iam(), statement("Allow", {"AWS": SLR_ROLE}, "kms:ScheduleKeyDeletion")),
        {**request(SLR_SESSION, "kms:ScheduleKeyDeletion"), "principal_arn": SLR_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1), ("rcp-not-used", "rcp", None)),
        rcps=(DENY_DELETION_RCP,),
    ),
    Case(
        "vpce-policy-other-principal",
        "A VPC endpoint policy that allows only one role",
        "Through the endpoint its policy must allow the caller too: it names only the App role, "
        "so the user is refused though the key policy allows it.",
        docs.VPC_ENDPOINT_POLICY,
        policy(enable_iam(), statement("Allow", {"AWS": [APP_ROLE, USER]}, USE_ACTIONS, "Users")),
        request(USER, "kms:Decrypt", vpce=VPCE),
        "implicit-deny",
        (("vpce-policy-does-not-allow", "vpce-policy", None), ("does-not-apply", "vpce-policy", 0)),
        vpce_policy=policy(statement("Allow", {"AWS": APP_ROLE}, "kms:*", "The App role")),
    ),
    Case(
        "grant-subset-extra-pair",
        "EncryptionContextSubset admits more pairs",
        "EncryptionContextSubset requires its pairs in the request's encryption context, which "
        "may have others.",
        docs.GRANT_CONSTRAINTS,
        policy(enable_iam()),
        as_role(
            APP_SESSION,
            "kms:Decrypt",
            {"kms:EncryptionContext:Department": "IT", "kms:EncryptionContext:Project": "x"},
        ),
        "allow",
        (("grant-allows", "grant", 0),),
        grants=(SUBSET_GRANT,),
    ),
    Case(
        "grant-subset-value-case",
        "EncryptionContextSubset compares values case-sensitively",
        "A grant constraint's encryption context values are case-sensitive: `it` is not `IT`.",
        docs.GRANT_CONSTRAINTS,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:EncryptionContext:Department": "it"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("grant-does-not-apply", "grant", 0),
        ),
        grants=(SUBSET_GRANT,),
    ),
    Case(
        "reencrypt-same-key-denied",
        "kms:ReEncryptOnSameKey false: re-encrypting under the same key",
        "kms:ReEncryptOnSameKey is true when the source and destination keys are the same; a "
        "statement that requires false does not allow it.",
        docs.REENCRYPT_ON_SAME_KEY,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"AWS": USER},
                "kms:ReEncrypt*",
                "Re-encrypt to another key",
                {"Bool": {"kms:ReEncryptOnSameKey": "false"}},
            ),
        ),
        {**request(USER, "kms:ReEncryptFrom"), "other_key_arn": KEY_ARN},
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "current-time-not-given",
        "A condition on aws:CurrentTime the request does not give: cannot decide",
        "aws:CurrentTime is in every request; the request does not give it, so whether the IAM "
        "policy's DateLessThan holds, and so the answer, cannot be told.",
        docs.CURRENT_TIME,
        policy(enable_iam()),
        as_role(APP_SESSION, "kms:Decrypt"),
        "implicit-deny",
        (("cannot-decide", "iam-policy", 0), ("no-key-policy-allow", "key-policy", None)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:Decrypt",
                Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
            ),
        ),
        decided=False,
    ),
    Case(
        "source-ip-through-endpoint",
        "A Deny on aws:SourceIp, through a VPC endpoint",
        "aws:SourceIp is in every request except one through a VPC endpoint: there the key is "
        "absent, NotIpAddress holds on an absent key, and the Deny applies.",
        docs.SOURCE_IP,
        OFFICE_ONLY,
        {**as_role(APP_SESSION, "kms:Decrypt"), "vpce": VPCE},
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
        vpce_policy=policy(statement("Allow", "*", "kms:*", "Default")),
    ),
    Case(
        "source-ip-deny-not-given",
        "A Deny on aws:SourceIp the request does not give: cannot decide",
        "aws:SourceIp is the requester's IP address, in every direct request; without it the "
        "Deny with NotIpAddress may or may not apply.",
        docs.SOURCE_IP,
        OFFICE_ONLY,
        as_role(APP_SESSION, "kms:Decrypt"),
        "allow",
        (("cannot-decide", "key-policy", 2), ("key-policy-allows", "key-policy", 1)),
        decided=False,
    ),
    Case(
        "grant-retired-by-grantee",
        "The grantee retires a grant that allows RetireGrant",
        "A grant's grantee principal may retire it when RetireGrant is among the grant's "
        "operations.",
        docs.RETIRE_GRANT,
        policy(enable_iam()),
        request(APP_ROLE, "kms:RetireGrant"),
        "allow",
        (("grant-retirement", "grant", 0),),
        grants=({**PLAIN_GRANT, "Operations": ["Decrypt", "RetireGrant"]},),
    ),
    Case(
        "grant-not-retired-by-grantee",
        "The grantee of a grant without RetireGrant cannot retire it",
        "Without RetireGrant among its operations, nor a retiring principal naming it, the "
        "grantee has no permission to retire the grant.",
        docs.RETIRE_GRANT,
        policy(enable_iam()),
        request(APP_ROLE, "kms:RetireGrant"),
        "implicit-deny",
        (("retire-needs-grant", "dataset", None),),
        grants=(PLAIN_GRANT,),
    ),
    Case(
        "grant-retired-by-its-account",
        "The account that created a grant retires it",
        "The AWS account in which a grant was created may retire it.",
        docs.RETIRE_GRANT,
        policy(enable_iam()),
        request(ROOT, "kms:RetireGrant"),
        "allow",
        (("grant-retirement", "grant", 0),),
        grants=(PLAIN_GRANT,),
    ),
    Case(
        "policy-variable-default",
        "A policy variable's default value when the request lacks the key",
        "${aws:PrincipalTag/team, 'none'} is none when the caller has no team tag, so the "
        "condition compares the encryption context with none.",
        docs.VARIABLE_DEFAULTS,
        app_allows(
            "kms:Decrypt",
            {"StringEquals": {"kms:EncryptionContext:team": "${aws:PrincipalTag/team, 'none'}"}},
        ),
        as_role(APP_SESSION, "kms:Decrypt", {"kms:EncryptionContext:team": "none"}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "for-any-value-negated",
        "ForAnyValue with StringNotEquals: one value outside the list is enough",
        "ForAnyValue holds when at least one request value meets the operator: Encrypt is not "
        "Decrypt, so a grant of Decrypt and Encrypt meets it.",
        docs.MULTI_VALUED,
        app_allows(
            "kms:CreateGrant", {"ForAnyValue:StringNotEquals": {"kms:GrantOperations": "Decrypt"}}
        ),
        as_role(APP_SESSION, "kms:CreateGrant", {"kms:GrantOperations": ["Decrypt", "Encrypt"]}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "principal-org-paths",
        "aws:PrincipalOrgPaths: a role in an organizational unit or below it",
        "aws:PrincipalOrgPaths holds the caller's path in the organization, a multivalued key; "
        "ForAnyValue:StringLike with a trailing `*` matches a path below the unit.",
        docs.PRINCIPAL_ORG_PATHS,
        policy(
            enable_iam(),
            statement(
                "Allow",
                "*",
                USE_ACTIONS,
                "The workloads unit",
                {
                    "ForAnyValue:StringLike": {
                        "aws:PrincipalOrgPaths": f"{ORG_ID}/r-ab12/ou-ab12-11111111/*"
                    }
                },
            ),
        ),
        request(
            EXTERNAL_ROLE,
            "kms:Decrypt",
            {"aws:PrincipalOrgPaths": [f"{ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"]},
        ),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "replicate-key-without-create-key",
        "ReplicateKey needs kms:CreateKey in an IAM policy too",
        "Replicating a multi-Region key needs kms:ReplicateKey in the primary key's policy and "
        "kms:CreateKey in an IAM policy in the replica Region; the key policy alone does not do.",
        docs.MULTI_REGION,
        policy(
            enable_iam(), statement("Allow", {"AWS": ADMIN_ROLE}, "kms:ReplicateKey", "Replicate")
        ),
        {
            **request(ADMIN_SESSION, "kms:ReplicateKey", {"kms:ReplicaRegion": "eu-west-1"}),
            "key_arn": PRIMARY,
            "principal_arn": ADMIN_ROLE,
        },
        "implicit-deny",
        (("no-iam-allow", "iam-policy", None),),
    ),
    Case(
        "replicate-key-create-key-other-region",
        "ReplicateKey: kms:CreateKey allowed only in another Region",
        "kms:CreateKey is needed in the replica Region: an IAM policy that allows it only in "
        "us-west-2 does not allow replicating into eu-west-1.",
        docs.MULTI_REGION,
        policy(
            enable_iam(), statement("Allow", {"AWS": ADMIN_ROLE}, "kms:ReplicateKey", "Replicate")
        ),
        {
            **request(ADMIN_SESSION, "kms:ReplicateKey", {"kms:ReplicaRegion": "eu-west-1"}),
            "key_arn": PRIMARY,
            "principal_arn": ADMIN_ROLE,
        },
        "implicit-deny",
        (("no-iam-allow", "iam-policy", None), ("does-not-apply", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:CreateKey",
                resource="*",
                Condition={"StringEquals": {"aws:RequestedRegion": "us-west-2"}},
            ),
        ),
    ),
    Case(
        "replicate-key-allowed",
        "ReplicateKey with both permissions",
        "The primary key's policy allows kms:ReplicateKey and an IAM policy allows kms:CreateKey "
        "in the replica Region.",
        docs.MULTI_REGION,
        policy(
            enable_iam(), statement("Allow", {"AWS": ADMIN_ROLE}, "kms:ReplicateKey", "Replicate")
        ),
        {
            **request(ADMIN_SESSION, "kms:ReplicateKey", {"kms:ReplicaRegion": "eu-west-1"}),
            "key_arn": PRIMARY,
            "principal_arn": ADMIN_ROLE,
        },
        "allow",
        (("key-policy-allows", "key-policy", 1), ("iam-only-allows", "iam-policy", 0)),
        iam_policies=(
            iam_policy(
                "Allow",
                "kms:CreateKey",
                resource="*",
                Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
            ),
        ),
    ),
    Case(
        "create-key-region-not-given",
        "An SCP on aws:RequestedRegion, a CreateKey request that names no Region: cannot decide",
        "aws:RequestedRegion is in every request; CreateKey names no key to take it from, so "
        "whether the Region SCP's Deny applies cannot be told.",
        docs.SCP_EXAMPLES,
        policy(enable_iam()),
        {"principal": APP_SESSION, "action": "kms:CreateKey", "principal_arn": APP_ROLE},
        "allow",
        (
            ("cannot-decide", "scp", 1),
            ("iam-only-allows", "iam-policy", 0),
            ("scp-allows", "scp", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:CreateKey", resource="*"),),
        scps=(REGION_ONLY_SCP,),
        decided=False,
    ),
)
