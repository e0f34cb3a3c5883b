"""Worked cases of KMS's evaluation rules: small real scenarios, each with its expected decision.

The tests run every case through `explain`; the documentation renders them. A case is plain
data: a title, the rule it shows (with its AWS page), the policies, the grants, the request, the
decision and the reasons expected, in order, as (code, source kind, statement index).
"""

from __future__ import annotations

from kms_permissions.policy.access import docs
from kms_permissions.policy.access.case_kit import (
    ACCOUNT as ACCOUNT,
)
from kms_permissions.policy.access.case_kit import (
    ADMIN_ROLE as ADMIN_ROLE,
)
from kms_permissions.policy.access.case_kit import (
    APP_ROLE as APP_ROLE,
)
from kms_permissions.policy.access.case_kit import (
    APP_SESSION as APP_SESSION,
)
from kms_permissions.policy.access.case_kit import (
    EXTERNAL_ROLE as EXTERNAL_ROLE,
)
from kms_permissions.policy.access.case_kit import (
    KEY_ARN as KEY_ARN,
)
from kms_permissions.policy.access.case_kit import (
    LOGS_ARN as LOGS_ARN,
)
from kms_permissions.policy.access.case_kit import (
    MANAGEMENT_ACCOUNT as MANAGEMENT_ACCOUNT,
)
from kms_permissions.policy.access.case_kit import (
    ORG_ID as ORG_ID,
)
from kms_permissions.policy.access.case_kit import (
    OTHER_ACCOUNT as OTHER_ACCOUNT,
)
from kms_permissions.policy.access.case_kit import (
    ROOT as ROOT,
)
from kms_permissions.policy.access.case_kit import (
    SLR_ROLE as SLR_ROLE,
)
from kms_permissions.policy.access.case_kit import (
    SLR_SESSION as SLR_SESSION,
)
from kms_permissions.policy.access.case_kit import (
    USE_ACTIONS as USE_ACTIONS,
)
from kms_permissions.policy.access.case_kit import (
    USER as USER,
)
from kms_permissions.policy.access.case_kit import (
    VPCE as VPCE,
)
from kms_permissions.policy.access.case_kit import (
    Case as Case,
)
from kms_permissions.policy.access.case_kit import (
    ExpectedReason as ExpectedReason,
)
from kms_permissions.policy.access.case_kit import (
    Json as Json,
)
from kms_permissions.policy.access.case_kit import (
    enable_iam as enable_iam,
)
from kms_permissions.policy.access.case_kit import (
    iam_policy as iam_policy,
)
from kms_permissions.policy.access.case_kit import (
    policy as policy,
)
from kms_permissions.policy.access.case_kit import (
    request as request,
)
from kms_permissions.policy.access.case_kit import (
    statement as statement,
)
from kms_permissions.policy.access.guide_cases import GUIDE_CASES

AWS_MANAGED = statement(
    "Allow",
    {"AWS": "*"},
    [*USE_ACTIONS, "kms:CreateGrant"],
    "Allow access through EBS for all principals in the account that are authorized to use EBS",
    {
        "StringEquals": {
            "kms:CallerAccount": ACCOUNT,
            "kms:ViaService": "ec2.us-west-2.amazonaws.com",
        }
    },
)
DENY_LAMBDA = statement(
    "Deny",
    {"AWS": USER},
    "kms:Encrypt",
    "Deny encryption through Lambda",
    {"StringEquals": {"kms:ViaService": ["lambda.us-west-2.amazonaws.com"]}},
)
CONTEXT_RULE = statement(
    "Allow",
    {"AWS": APP_ROLE},
    "kms:Decrypt",
    "Decrypt only for the IT department",
    {"StringEquals": {"kms:EncryptionContext:Department": "IT"}},
)
GRANT_OPERATIONS = statement(
    "Allow",
    {"AWS": USER},
    "kms:CreateGrant",
    "Grants for encryption only",
    {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]}},
)
DECRYPT_GRANT = {
    "KeyId": KEY_ARN,
    "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
    "Name": "app-decrypt",
    "GranteePrincipal": APP_ROLE,
    "RetiringPrincipal": ADMIN_ROLE,
    "IssuingAccount": ROOT,
    "Operations": ["Decrypt"],
    "Constraints": {"EncryptionContextEquals": {"Department": "IT"}},
}
EXTERNAL_USE = statement(
    "Allow",
    {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
    [*USE_ACTIONS],
    "Allow use by the partner account",
)


def scp_or_rcp(*statements: Json) -> Json:
    """An SCP or RCP with these statements."""
    return policy(*statements)


FULL_ACCESS_SCP = policy(
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}
)
DENY_DELETION_SCP = policy(
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {
        "Sid": "NoKeyDeletion",
        "Effect": "Deny",
        "Action": "kms:ScheduleKeyDeletion",
        "Resource": "*",
    },
)
ENCRYPT_ONLY_SCP = policy(
    {"Sid": "EncryptOnly", "Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}
)
PERIMETER_RCP = policy(
    {
        "Sid": "EnforceOrgIdentities",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    }
)
ENCRYPT_ONLY_BOUNDARY = policy({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"})

ORGANIZATION_CASES: tuple[Case, ...] = (
    Case(
        "scp-denies",
        "A service control policy denies, whatever the key policy allows",
        "An explicit Deny in an SCP of the caller's account denies the request; SCPs bind every "
        "principal of a member account, its root user too.",
        docs.SCP_EVALUATION,
        policy(enable_iam()),
        request(ROOT, "kms:ScheduleKeyDeletion"),
        "explicit-deny",
        (("explicit-deny", "scp", 1),),
        scps=(FULL_ACCESS_SCP, DENY_DELETION_SCP),
    ),
    Case(
        "scp-level-does-not-allow",
        "Every level of the organization must allow",
        "Each SCP is one level of the caller's organization path; a level whose SCPs do not "
        "allow the action denies it, even where the key policy and IAM policies allow it.",
        docs.SCP_EVALUATION,
        policy(enable_iam()),
        request(APP_SESSION, "kms:Decrypt"),
        "implicit-deny",
        (("scp-does-not-allow", "scp", None),),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
        scps=(FULL_ACCESS_SCP, ENCRYPT_ONLY_SCP),
    ),
    Case(
        "scp-management-account",
        "SCPs do not bind the management account",
        "Principals of the organization's management account are not restricted by SCPs.",
        docs.SCP,
        policy(enable_iam()),
        {**request(ROOT, "kms:ScheduleKeyDeletion"), "management_account": ACCOUNT},
        "allow",
        (("key-policy-allows", "key-policy", 0), ("scp-not-used", "scp", None)),
        scps=(DENY_DELETION_SCP,),
    ),
    Case(
        "scp-service-linked-role",
        "SCPs do not bind service-linked roles",
        "A service-linked role (its role lives under /aws-service-role/) is not restricted by "
        "SCPs; the session ARN has no path, so the request gives the role's ARN.",
        docs.SCP,
        policy(enable_iam(), statement("Allow", {"AWS": SLR_ROLE}, "kms:ScheduleKeyDeletion")),
        {**request(SLR_SESSION, "kms:ScheduleKeyDeletion"), "principal_arn": SLR_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1), ("scp-not-used", "scp", None)),
        scps=(DENY_DELETION_SCP,),
    ),
    Case(
        "rcp-denies-outside-organization",
        "A resource control policy keeps principals outside the organization out",
        "An RCP of the key owner's organization denies a principal of another organization, "
        "though the key policy and the caller's IAM policy allow it.",
        docs.KMS_RCP,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt", {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}),
        "explicit-deny",
        (("explicit-deny", "rcp", 0),),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
        rcps=(PERIMETER_RCP,),
    ),
    Case(
        "rcp-inside-organization",
        "A resource control policy lets the organization's principals through",
        "The same RCP does not deny a principal of the key owner's organization; an RCP grants "
        "nothing, so the key policy and the IAM policy still decide.",
        docs.KMS_RCP,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt", {"aws:PrincipalOrgID": ORG_ID}),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
        rcps=(PERIMETER_RCP,),
    ),
    Case(
        "rcp-aws-managed-key",
        "Resource control policies do not apply to AWS managed keys",
        "KMS does not apply an organization's RCPs to AWS managed keys.",
        docs.KMS_RCP,
        policy(AWS_MANAGED),
        {
            **request(
                EXTERNAL_ROLE, "kms:Decrypt", {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}
            ),
            "key_manager": "AWS",
        },
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("no-iam-allow-external", "iam-policy", None),
            ("rcp-not-used", "rcp", None),
        ),
        rcps=(PERIMETER_RCP,),
    ),
)

SESSION_CASES: tuple[Case, ...] = (
    Case(
        "boundary-limits-identity-policy",
        "A permissions boundary limits what IAM policies allow",
        "An identity policy allows only what the caller's permissions boundary also allows.",
        docs.BOUNDARIES,
        policy(enable_iam()),
        request(USER, "kms:Decrypt"),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("permissions-boundary-does-not-allow", "permissions-boundary", None),
        ),
        iam_policies=(iam_policy("Allow", ["kms:Decrypt", "kms:Encrypt"]),),
        permissions_boundary=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "boundary-key-policy-names-user",
        "A key policy naming the IAM user is not limited by its boundary",
        "Within an account, a resource policy that names the user's ARN allows it whatever the "
        "user's permissions boundary says.",
        docs.EVALUATION_LOGIC,
        policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:Decrypt", "The user")),
        request(USER, "kms:Decrypt"),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
        permissions_boundary=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "boundary-key-policy-names-role",
        "A key policy naming the role is limited by the role's boundary",
        "A resource policy that names the role's ARN (not the session's) allows the session "
        "only within the role's permissions boundary.",
        docs.EVALUATION_LOGIC,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, "kms:Decrypt", "The role")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "implicit-deny",
        (
            ("permissions-boundary-does-not-allow", "permissions-boundary", None),
            ("no-iam-allow", "iam-policy", None),
        ),
        permissions_boundary=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "session-policy-limits",
        "A session policy limits what the role's policies allow",
        "A role session's permissions are what its identity policies and its session policy "
        "both allow.",
        docs.SESSION_POLICIES,
        policy(enable_iam()),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("session-policy-does-not-allow", "session-policy", None),
        ),
        iam_policies=(iam_policy("Allow", "kms:*"),),
        session_policy=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "session-arn-named",
        "A key policy naming the session is not limited by its session policy",
        "A resource policy that names the role session's ARN allows the session whatever its "
        "session policy says.",
        docs.EVALUATION_LOGIC,
        policy(enable_iam(), statement("Allow", {"AWS": APP_SESSION}, "kms:Decrypt", "Session")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1),),
        session_policy=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "not-principal-deny-with-boundary",
        "A Deny with NotPrincipal always denies a principal with a permissions boundary",
        "Listed in NotPrincipal or not, an IAM user or role with a permissions boundary is "
        "denied by a resource policy's Deny with NotPrincipal.",
        docs.BOUNDARIES,
        policy(
            statement("Allow", {"AWS": USER}, "kms:Decrypt", "The user"),
            {
                "Sid": "Only the user",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROOT, USER]},
                "Action": "kms:*",
                "Resource": "*",
            },
        ),
        request(USER, "kms:Decrypt"),
        "explicit-deny",
        (("explicit-deny", "key-policy", 1),),
        permissions_boundary=policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
    ),
)

MORE_CASES: tuple[Case, ...] = (
    Case(
        "cloudwatch-logs-arn-like",
        "ArnLike on kms:EncryptionContext:aws:logs:arn, as CloudWatch Logs documents it",
        "The key policy CloudWatch Logs documents compares the encryption context's log group "
        "ARN with ArnLike; the ARN operators compare it part by part.",
        docs.KEY_POLICIES,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"Service": "logs.us-west-2.amazonaws.com"},
                ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
                "CloudWatch Logs",
                {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-west-2:{ACCOUNT}:*"
                    }
                },
            ),
        ),
        request(
            "logs.us-west-2.amazonaws.com",
            "kms:GenerateDataKey",
            {"kms:EncryptionContext:aws:logs:arn": LOGS_ARN},
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "external-root-user",
        "The root user of another account needs no IAM policy",
        "A key policy that allows another account allows that account's root user, which has "
        "every permission in its own account.",
        docs.CROSS_ACCOUNT,
        policy(enable_iam(), EXTERNAL_USE),
        request(f"arn:aws:iam::{OTHER_ACCOUNT}:root", "kms:Decrypt"),
        "allow",
        (("key-policy-allows-external", "key-policy", 1), ("root-user", "request", None)),
    ),
    Case(
        "grant-chain-within",
        "A grantee with CreateGrant creates grants for its own operations",
        "A grant that allows CreateGrant lets its grantee create grants only for operations "
        "the grant itself has.",
        docs.GRANTS,
        policy(enable_iam()),
        request(APP_SESSION, "kms:CreateGrant", {"kms:GrantOperations": ["Decrypt"]}),
        "allow",
        (("grant-allows", "grant", 0),),
        grants=({**DECRYPT_GRANT, "Operations": ["Decrypt", "CreateGrant"], "Constraints": {}},),
    ),
    Case(
        "grant-chain-beyond",
        "A grantee cannot grant an operation its grant lacks",
        "A grant that allows CreateGrant and Decrypt does not let its grantee grant Encrypt.",
        docs.GRANTS,
        policy(enable_iam()),
        request(APP_SESSION, "kms:CreateGrant", {"kms:GrantOperations": ["Decrypt", "Encrypt"]}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("grant-does-not-apply", "grant", 0),
        ),
        grants=({**DECRYPT_GRANT, "Operations": ["Decrypt", "CreateGrant"], "Constraints": {}},),
    ),
    Case(
        "grant-reencrypt-from",
        "Grant operations as ListGrants names them: ReEncryptFrom",
        "A grant lists ReEncryptFrom and ReEncryptTo, the permissions' own names, not the "
        "ReEncrypt operation.",
        docs.GRANTS,
        policy(enable_iam()),
        request(APP_SESSION, "kms:ReEncryptFrom"),
        "allow",
        (("grant-allows", "grant", 0),),
        grants=({**DECRYPT_GRANT, "Operations": ["ReEncryptFrom"], "Constraints": {}},),
    ),
    Case(
        "create-alias-both-resources",
        "CreateAlias needs the permission on the alias and on the key",
        "An alias operation is authorized on the key (key policy, or IAM policies it enables) "
        "and on the alias (an IAM policy: a key policy cannot name an alias).",
        docs.ALIAS_ACCESS,
        policy(enable_iam()),
        {**request(USER, "kms:CreateAlias"), "alias": "alias/app"},
        "implicit-deny",
        (("no-alias-iam-allow", "iam-policy", None),),
        iam_policies=(iam_policy("Allow", "kms:CreateAlias"),),
    ),
)


# Scenarios written from AWS pages not covered above, each judged from its page first.
OTHER_KEY_ARN = KEY_ARN.replace(
    "1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"
)
PRIMARY_KEY = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
REPLICA_KEY = PRIMARY_KEY.replace("us-west-2", "eu-west-1")
CLOUDTRAIL = "cloudtrail.amazonaws.com"
TRAIL_ARN = f"arn:aws:cloudtrail:us-west-2:{ACCOUNT}:trail/main"
# The Organizations guide's example: deny everything outside the allowed Regions but global
# services (its NotAction list, shortened).
REGION_SCP = policy(
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {
        "Sid": "DenyAllOutsideUSWest2",
        "Effect": "Deny",
        "NotAction": ["iam:*", "organizations:*", "route53:*", "support:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-west-2"]}},
    },
)
CONFUSED_DEPUTY_RCP = policy(
    {
        "Sid": "EnforceConfusedDeputyProtection",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:SourceOrgID": ORG_ID},
            "Null": {"aws:SourceAccount": "false"},
            "Bool": {"aws:PrincipalIsAWSService": "true"},
        },
    }
)
SECURE_TRANSPORT_RCP = policy(
    {
        "Sid": "EnforceSecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
    }
)
CLOUDTRAIL_USE = statement(
    "Allow", {"Service": CLOUDTRAIL}, "kms:GenerateDataKey*", "CloudTrail encrypts logs"
)
KEY_METADATA = statement(
    "Allow",
    {"AWS": ROOT},
    ["kms:Describe*", "kms:Get*", "kms:List*"],
    "Allow direct access to key metadata to the account",
)
VPCE_ONLY = statement(
    "Deny",
    "*",
    "kms:Decrypt",
    "Decrypt only through the endpoint",
    {"StringNotEquals": {"aws:SourceVpce": VPCE}},
)
VIA_RDS_ONLY = statement(
    "Deny",
    {"AWS": APP_ROLE},
    "kms:Decrypt",
    "Decrypt only through RDS",
    {"StringNotEquals": {"kms:ViaService": "rds.us-west-2.amazonaws.com"}},
)
CHAIN_PARENT = {
    **DECRYPT_GRANT,
    "GranteePrincipal": USER,
    "Operations": ["GenerateDataKey", "Decrypt", "CreateGrant"],
    "Constraints": {"EncryptionContextSubset": {"Department": "IT"}},
}

DOCUMENTED_CASES: tuple[Case, ...] = (
    Case(
        "cross-account-iam-names-other-key",
        "Cross account: the caller's IAM policy must allow on this key",
        "Across accounts the caller's identity policy must allow the request on the resource; "
        "one that allows the action on another key does not.",
        docs.CROSS_ACCOUNT_EVALUATION,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "implicit-deny",
        (("no-iam-allow-external", "iam-policy", None), ("does-not-apply", "iam-policy", 0)),
        iam_policies=(iam_policy("Allow", "kms:Decrypt", resource=OTHER_KEY_ARN),),
    ),
    Case(
        "cross-account-key-policy-names-role",
        "Cross account: a key policy naming the other account's role, and its IAM policy",
        "The key policy may name the external role itself rather than its account; the role "
        "still needs its own identity policy, which here allows.",
        docs.CROSS_ACCOUNT_EVALUATION,
        policy(enable_iam(), statement("Allow", {"AWS": EXTERNAL_ROLE}, USE_ACTIONS, "Partner")),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "boundary-alone-grants-nothing",
        "A permissions boundary grants nothing by itself",
        "A boundary sets the most an identity policy can allow; with no identity policy that "
        "allows, the user has no permission.",
        docs.BOUNDARIES,
        policy(enable_iam()),
        request(USER, "kms:Decrypt"),
        "implicit-deny",
        (("no-key-policy-allow", "key-policy", None), ("no-iam-allow", "iam-policy", None)),
        permissions_boundary=policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
    ),
    Case(
        "boundary-limits-cross-account",
        "A permissions boundary limits a principal's access to another account's key",
        "Across accounts the caller's identity side must allow, and the boundary limits it; "
        "the key policy allowing the account does not lift the boundary.",
        docs.BOUNDARIES,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "implicit-deny",
        (("permissions-boundary-does-not-allow", "permissions-boundary", None),),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
        permissions_boundary=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "session-policy-limits-role-named",
        "A session policy limits a key policy that names the role",
        "A resource policy naming the role's ARN (not the session's) allows a session only "
        "within its session policy.",
        docs.SESSION_POLICIES,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, "kms:Decrypt", "The role")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "implicit-deny",
        (
            ("session-policy-does-not-allow", "session-policy", None),
            ("no-iam-allow", "iam-policy", None),
        ),
        session_policy=ENCRYPT_ONLY_BOUNDARY,
    ),
    Case(
        "session-policy-deny",
        "An explicit Deny in a session policy",
        "A Deny in the session policy wins even over a key policy that names the session.",
        docs.SESSION_POLICIES,
        policy(enable_iam(), statement("Allow", {"AWS": APP_SESSION}, "kms:Decrypt", "Session")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "explicit-deny",
        (("explicit-deny", "session-policy", 1),),
        session_policy=policy(
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"},
        ),
    ),
    Case(
        "scp-region-deny",
        "An SCP that denies every Region but one",
        "The Organizations guide's Region restriction: a Deny with NotAction (global services "
        "spared) when aws:RequestedRegion is not listed; the key is in us-west-2's peer, so "
        "KMS in another Region is denied.",
        docs.SCP_EXAMPLES,
        policy(enable_iam()),
        {
            **request(APP_SESSION, "kms:Decrypt"),
            "key_arn": REPLICA_KEY,
            "principal_arn": APP_ROLE,
        },
        "explicit-deny",
        (("explicit-deny", "scp", 1),),
        iam_policies=(iam_policy("Allow", "kms:Decrypt", resource="*"),),
        scps=(REGION_SCP,),
    ),
    Case(
        "scp-region-service-principal",
        "The same SCP does not bind a service principal",
        "SCPs restrict the users and roles of member accounts, not AWS service principals.",
        docs.SCP,
        policy(enable_iam(), {**CLOUDTRAIL_USE}),
        {**request(CLOUDTRAIL, "kms:GenerateDataKey"), "key_arn": REPLICA_KEY},
        "allow",
        (("key-policy-allows", "key-policy", 1), ("scp-not-used", "scp", None)),
        scps=(REGION_SCP,),
    ),
    Case(
        "rcp-confused-deputy-other-org",
        "An RCP against the confused deputy: a service acting for another organization",
        "The guide's RCP denies an AWS service principal whose request comes from a resource "
        "outside the organization (aws:SourceOrgID), though the key policy allows the service.",
        docs.RCP_EXAMPLES,
        policy(enable_iam(), CLOUDTRAIL_USE),
        request(
            CLOUDTRAIL,
            "kms:GenerateDataKey",
            {"aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceOrgID": "o-zzzzzzzzzz"},
        ),
        "explicit-deny",
        (("explicit-deny", "rcp", 0),),
        rcps=(CONFUSED_DEPUTY_RCP,),
    ),
    Case(
        "rcp-confused-deputy-own-org",
        "The same RCP lets the service act for the organization",
        "A request whose source resource belongs to the organization is not denied; the key "
        "policy allows the service.",
        docs.RCP_EXAMPLES,
        policy(enable_iam(), CLOUDTRAIL_USE),
        request(
            CLOUDTRAIL,
            "kms:GenerateDataKey",
            {"aws:SourceAccount": ACCOUNT, "aws:SourceOrgID": ORG_ID},
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
        rcps=(CONFUSED_DEPUTY_RCP,),
    ),
    Case(
        "rcp-secure-transport",
        "An RCP that denies requests without TLS: KMS takes HTTPS only",
        "aws:SecureTransport is true on every KMS request, so the guide's secure transport RCP "
        "never denies one.",
        docs.RCP_EXAMPLES,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1),),
        rcps=(SECURE_TRANSPORT_RCP,),
    ),
    Case(
        "via-service-deny-direct",
        "A Deny unless through a service: a direct call",
        "StringNotEquals on kms:ViaService holds when the request has no kms:ViaService, as a "
        "direct call has not: the Deny applies.",
        docs.VIA_SERVICE,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
            VIA_RDS_ONLY,
        ),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
    ),
    Case(
        "via-service-deny-through-service",
        "The same Deny, through the named service",
        "Through RDS the request has kms:ViaService rds.us-west-2.amazonaws.com: the Deny does "
        "not apply and the key policy allows.",
        docs.VIA_SERVICE,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
            VIA_RDS_ONLY,
        ),
        {
            **request(
                APP_SESSION, "kms:Decrypt", {"kms:ViaService": "rds.us-west-2.amazonaws.com"}
            ),
            "principal_arn": APP_ROLE,
        },
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "vpce-key-policy-outside",
        "A key policy that denies decryption outside a VPC endpoint",
        "aws:SourceVpce is absent from a request that does not pass through an endpoint, so "
        "StringNotEquals holds and the Deny applies.",
        docs.VPC_ENDPOINT_CONDITION,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
            VPCE_ONLY,
        ),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
    ),
    Case(
        "vpce-key-policy-through",
        "The same key policy, through the endpoint",
        "Through the named endpoint the Deny does not apply; the endpoint's own policy was not "
        "given, which the result says.",
        docs.VPC_ENDPOINT_CONDITION,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users"),
            VPCE_ONLY,
        ),
        {**request(APP_SESSION, "kms:Decrypt", vpce=VPCE), "principal_arn": APP_ROLE},
        "allow",
        (("key-policy-allows", "key-policy", 1), ("vpce-policy-not-given", "request", None)),
    ),
    Case(
        "multi-region-update-primary-replica-missing",
        "UpdatePrimaryRegion needs the permission on the primary and on the replica",
        "Each multi-Region key has its own key policy; changing the primary Region needs "
        "kms:UpdatePrimaryRegion in both, and the replica's does not allow it.",
        docs.MULTI_REGION,
        policy(enable_iam(), statement("Allow", {"AWS": ADMIN_ROLE}, "kms:UpdatePrimaryRegion")),
        {
            **request(ADMIN_ROLE, "kms:UpdatePrimaryRegion"),
            "key_arn": PRIMARY_KEY,
            "other_key_arn": REPLICA_KEY,
        },
        "implicit-deny",
        (("no-key-policy-allow", "key-policy", None), ("no-iam-allow", "iam-policy", None)),
        other_key_policy=policy(enable_iam()),
    ),
    Case(
        "multi-region-replica-region-scp",
        "A replica key is used in its own Region",
        "aws:RequestedRegion is the Region of the key called: an SCP that allows only us-west-2 "
        "denies using the replica in eu-west-1, though its primary is in us-west-2.",
        docs.MULTI_REGION,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        {**request(APP_SESSION, "kms:Decrypt"), "key_arn": REPLICA_KEY, "principal_arn": APP_ROLE},
        "explicit-deny",
        (("explicit-deny", "scp", 1),),
        scps=(REGION_SCP,),
    ),
    Case(
        "confused-deputy-source-account",
        "A service principal limited by aws:SourceAccount, acting for another account",
        "The key policy allows CloudTrail only for the key owner's account; a request CloudTrail "
        "makes for another account's trail does not meet it.",
        docs.CONFUSED_DEPUTY,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"Service": CLOUDTRAIL},
                "kms:GenerateDataKey*",
                "CloudTrail for this account",
                {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            ),
        ),
        request(
            CLOUDTRAIL,
            "kms:GenerateDataKey",
            {
                "aws:SourceAccount": OTHER_ACCOUNT,
                "aws:SourceArn": TRAIL_ARN.replace(ACCOUNT, OTHER_ACCOUNT),
            },
        ),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("does-not-apply", "key-policy", 1),
        ),
    ),
    Case(
        "not-principal-role-without-session",
        "A Deny with NotPrincipal that lists the role but not its session",
        "A role session is its assumed-role ARN: NotPrincipal must list the session too, so "
        "listing only the role's ARN denies its sessions.",
        docs.NOT_PRINCIPAL,
        policy(
            statement("Allow", {"AWS": APP_ROLE}, "kms:Decrypt", "The role"),
            {
                "Sid": "Only the role",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROOT, APP_ROLE]},
                "Action": "kms:*",
                "Resource": "*",
            },
        ),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "explicit-deny",
        (("explicit-deny", "key-policy", 1),),
    ),
    Case(
        "aws-managed-key-describe",
        "An AWS managed key: the account may read its metadata through IAM policies",
        "The policy of an AWS managed key lets the account's IAM policies allow Describe, Get "
        "and List, and nothing else directly.",
        docs.AWS_MANAGED_KEYS,
        policy(AWS_MANAGED, KEY_METADATA),
        {**request(APP_SESSION, "kms:DescribeKey"), "principal_arn": APP_ROLE},
        "allow",
        (("iam-policies-enabled", "key-policy", 1), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(iam_policy("Allow", "kms:*"),),
    ),
    Case(
        "aws-managed-key-iam-decrypt",
        "An AWS managed key: an IAM policy cannot allow direct decryption",
        "The account statement enables IAM policies for metadata only; Decrypt is allowed only "
        "through the service, so an IAM policy allowing kms:* does not reach it.",
        docs.AWS_MANAGED_KEYS,
        policy(AWS_MANAGED, KEY_METADATA),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("iam-not-enabled", "key-policy", None),
            ("iam-policy-ineffective", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:*"),),
    ),
    Case(
        "key-policy-bare-account-id",
        "A key policy naming the account by its bare ID",
        'A Principal of "111122223333" is the account, as its root ARN is: it enables IAM '
        "policies, and the IAM policy allows.",
        docs.PRINCIPAL,
        policy(statement("Allow", {"AWS": ACCOUNT}, "kms:*", "The account")),
        {**request(APP_SESSION, "kms:Decrypt"), "principal_arn": APP_ROLE},
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "grant-chain-guide-child",
        "A child grant from a constrained parent, as the guide shows it",
        "The parent allows GenerateDataKey, Decrypt and CreateGrant with an "
        "EncryptionContextSubset; its grantee creates a grant for CreateGrant and Decrypt with "
        "an EncryptionContextEquals of the same pair: fewer operations, a stricter constraint.",
        docs.GRANT_CHAIN,
        policy(enable_iam()),
        request(
            USER,
            "kms:CreateGrant",
            {
                "kms:GrantOperations": ["CreateGrant", "Decrypt"],
                "kms:GrantConstraintType": "EncryptionContextEquals",
                "kms:EncryptionContext:Department": "IT",
            },
        ),
        "allow",
        (("grant-allows", "grant", 0),),
        grants=(CHAIN_PARENT,),
    ),
    Case(
        "grant-chain-equals-to-subset",
        "A child grant cannot loosen EncryptionContextEquals into a Subset",
        "A child's constraints must be at least as strict: an EncryptionContextEquals may not "
        "become an EncryptionContextSubset, which admits more requests.",
        docs.GRANT_CHAIN,
        policy(enable_iam()),
        request(
            USER,
            "kms:CreateGrant",
            {
                "kms:GrantOperations": ["Decrypt"],
                "kms:GrantConstraintType": "EncryptionContextSubset",
                "kms:EncryptionContext:Department": "IT",
            },
        ),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("grant-does-not-apply", "grant", 0),
        ),
        grants=(
            {**CHAIN_PARENT, "Constraints": {"EncryptionContextEquals": {"Department": "IT"}}},
        ),
    ),
    Case(
        "reencrypt-destination-lacks-to",
        "ReEncrypt needs ReEncryptTo on the destination key",
        "ReEncrypt is authorized on two keys: ReEncryptFrom on the source and ReEncryptTo on "
        "the destination; the destination's policy allows only ReEncryptFrom.",
        docs.PERMISSIONS,
        policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:ReEncrypt*", "Re-encrypt")),
        {**request(USER, "kms:ReEncryptFrom"), "other_key_arn": OTHER_KEY_ARN},
        "implicit-deny",
        (("no-key-policy-allow", "key-policy", None), ("no-iam-allow", "iam-policy", None)),
        other_key_policy=policy(
            enable_iam(), statement("Allow", {"AWS": USER}, "kms:ReEncryptFrom", "From only")
        ),
    ),
    Case(
        "update-alias-both-keys",
        "UpdateAlias on the alias, its current key and its new key",
        "The IAM policy allows UpdateAlias on every resource and both keys' policies enable IAM "
        "policies: all three resources allow.",
        docs.ALIAS_ACCESS,
        policy(enable_iam()),
        {
            **request(USER, "kms:UpdateAlias"),
            "alias": "alias/app",
            "other_key_arn": OTHER_KEY_ARN,
        },
        "allow",
        (
            ("iam-policies-enabled", "key-policy", 0),
            ("iam-policy-allows", "iam-policy", 0),
            ("alias-iam-allows", "iam-policy", 0),
            ("iam-policies-enabled", "key-policy", 0),
            ("iam-policy-allows", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:UpdateAlias", resource="*"),),
        other_key_policy=policy(enable_iam()),
    ),
)


CASES: tuple[Case, ...] = (
    Case(
        "same-account-iam-policy",
        "Same account: the default key policy enables IAM policies, and an IAM policy allows",
        "An IAM policy allows access to a key only where the key policy enables IAM policies for "
        "the account, as the default key policy does.",
        docs.ENABLE_IAM,
        policy(enable_iam()),
        request(APP_SESSION, "kms:Decrypt"),
        "allow",
        (("iam-policies-enabled", "key-policy", 0), ("iam-policy-allows", "iam-policy", 0)),
        iam_policies=(iam_policy("Allow", ["kms:Decrypt", "kms:Encrypt"]),),
    ),
    Case(
        "same-account-no-iam-policy",
        "Same account without an IAM policy: implicit deny",
        "The default key policy gives no principal access by itself; it only lets IAM policies "
        "give it.",
        docs.ENABLE_IAM,
        policy(enable_iam()),
        request(APP_SESSION, "kms:Decrypt"),
        "implicit-deny",
        (("no-key-policy-allow", "key-policy", None), ("no-iam-allow", "iam-policy", None)),
    ),
    Case(
        "iam-policies-not-enabled",
        "IAM policies not enabled: the IAM policy has no effect",
        "Without a key policy statement that allows the account, IAM policies cannot allow "
        "access to the key.",
        docs.KEY_POLICIES,
        policy(
            statement(
                "Allow", {"AWS": ADMIN_ROLE}, ["kms:Describe*", "kms:Put*"], "Key administrators"
            )
        ),
        request(APP_ROLE, "kms:Decrypt"),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("iam-not-enabled", "key-policy", None),
            ("iam-policy-ineffective", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:*"),),
    ),
    Case(
        "key-policy-allows-role",
        "The key policy names the role: no IAM policy needed",
        "A key policy statement that names a role allows every session of the role directly.",
        docs.KEY_POLICIES,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        request(APP_SESSION, "kms:GenerateDataKey"),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "root-user",
        "The account's root user, allowed by the statement that enables IAM policies",
        "A statement that allows the account also allows its root user itself.",
        docs.ENABLE_IAM,
        policy(enable_iam()),
        request(ROOT, "kms:ScheduleKeyDeletion"),
        "allow",
        (("key-policy-allows", "key-policy", 0),),
    ),
    Case(
        "cross-account-with-iam-policy",
        "Cross account: the key policy allows the other account and its IAM policy allows",
        "A principal in another account needs both the key policy and its own IAM policy.",
        docs.CROSS_ACCOUNT,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "allow",
        (
            ("key-policy-allows-external", "key-policy", 1),
            ("iam-policy-allows-external", "iam-policy", 0),
        ),
        iam_policies=(iam_policy("Allow", "kms:Decrypt"),),
    ),
    Case(
        "cross-account-without-iam-policy",
        "Cross account without the external IAM policy: implicit deny",
        "The key policy alone does not let a principal in another account use the key.",
        docs.CROSS_ACCOUNT,
        policy(enable_iam(), EXTERNAL_USE),
        request(EXTERNAL_ROLE, "kms:Decrypt"),
        "implicit-deny",
        (("no-iam-allow-external", "iam-policy", None),),
    ),
    Case(
        "cross-account-not-usable",
        "Cross account, a permission that cannot be used across accounts",
        "Some permissions cannot be used across accounts whatever the policies say; the dataset "
        "records which.",
        docs.CROSS_ACCOUNT,
        policy(
            enable_iam(),
            statement("Allow", {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "kms:*", "Partner"),
        ),
        request(EXTERNAL_ROLE, "kms:ScheduleKeyDeletion"),
        "implicit-deny",
        (("not-cross-account", "dataset", None),),
        iam_policies=(iam_policy("Allow", "kms:*"),),
    ),
    Case(
        "deny-via-service",
        "An explicit Deny with kms:ViaService",
        "An explicit Deny in any policy wins over every Allow; here it applies to requests that "
        "come through Lambda.",
        docs.EVALUATION_LOGIC,
        policy(
            enable_iam(), statement("Allow", {"AWS": USER}, USE_ACTIONS, "Key users"), DENY_LAMBDA
        ),
        request(USER, "kms:Encrypt", {"kms:ViaService": "lambda.us-west-2.amazonaws.com"}),
        "explicit-deny",
        (("explicit-deny", "key-policy", 2),),
    ),
    Case(
        "deny-via-service-other-service",
        "The same Deny does not apply through another service",
        "A Deny applies only where its conditions hold.",
        docs.EVALUATION_LOGIC,
        policy(
            enable_iam(), statement("Allow", {"AWS": USER}, USE_ACTIONS, "Key users"), DENY_LAMBDA
        ),
        request(USER, "kms:Encrypt", {"kms:ViaService": "s3.us-west-2.amazonaws.com"}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "encryption-context-match",
        "An encryption context condition that the request meets",
        "kms:EncryptionContext:KEY compares the value of one pair of the request's encryption "
        "context; the key name ignores case, StringEquals makes the value case-sensitive.",
        docs.ENCRYPTION_CONTEXT_CASE,
        policy(enable_iam(), CONTEXT_RULE),
        request(APP_ROLE, "kms:Decrypt", {"kms:EncryptionContext:department": "IT"}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "encryption-context-mismatch",
        "An encryption context condition that the request does not meet",
        "StringEquals is case-sensitive: `it` is not `IT`.",
        docs.ENCRYPTION_CONTEXT_CASE,
        policy(enable_iam(), CONTEXT_RULE),
        request(APP_ROLE, "kms:Decrypt", {"kms:EncryptionContext:Department": "it"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "aws-managed-key-pattern",
        'Principal "*" limited by kms:CallerAccount and kms:ViaService (AWS managed keys)',
        "Everyone in the account may use the key, but only through the named service.",
        docs.KEY_POLICIES,
        policy(AWS_MANAGED),
        request(APP_SESSION, "kms:Decrypt", {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}),
        "allow",
        (("key-policy-allows", "key-policy", 0),),
    ),
    Case(
        "aws-managed-key-direct-call",
        "The AWS managed key pattern, called directly rather than through the service",
        "Without kms:ViaService in the request the condition fails, and nothing else allows.",
        docs.KEY_POLICIES,
        policy(AWS_MANAGED),
        request(APP_SESSION, "kms:Decrypt"),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("iam-not-enabled", "key-policy", None),
        ),
    ),
    Case(
        "aws-managed-key-other-account",
        "The AWS managed key pattern, called from another account",
        "kms:CallerAccount is the caller's account: the statement does not apply to other "
        "accounts.",
        docs.KEY_POLICIES,
        policy(AWS_MANAGED),
        request(EXTERNAL_ROLE, "kms:Decrypt", {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 0),
            ("no-iam-allow-external", "iam-policy", None),
        ),
    ),
    Case(
        "grant-operations-within",
        "kms:GrantOperations with ForAllValues: every requested operation is listed",
        "ForAllValues holds when every value of the multi-valued key is among the policy's.",
        docs.MULTI_VALUED,
        policy(enable_iam(), GRANT_OPERATIONS),
        request(USER, "kms:CreateGrant", {"kms:GrantOperations": ["Encrypt"]}),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "grant-operations-beyond",
        "kms:GrantOperations with ForAllValues: an operation that is not listed",
        "One request value outside the policy's values makes ForAllValues fail.",
        docs.MULTI_VALUED,
        policy(enable_iam(), GRANT_OPERATIONS),
        request(USER, "kms:CreateGrant", {"kms:GrantOperations": ["Encrypt", "Decrypt"]}),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("does-not-apply", "key-policy", 1),
            ("no-iam-allow", "iam-policy", None),
        ),
    ),
    Case(
        "retire-grant-in-key-policy",
        "kms:RetireGrant in a key policy",
        "kms:RetireGrant is not effective in a key policy: retiring a grant is allowed by the "
        "grant itself.",
        docs.RETIRE_GRANT,
        policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:RetireGrant", "Retire grants")),
        request(USER, "kms:RetireGrant"),
        "implicit-deny",
        (("retire-needs-grant", "dataset", None), ("not-effective-in-key-policy", "key-policy", 1)),
    ),
    Case(
        "retire-grant-retiring-principal",
        "The grant's retiring principal retires it",
        "The retiring principal named in a grant may retire it.",
        docs.RETIRE_GRANT,
        policy(enable_iam()),
        request(ADMIN_ROLE, "kms:RetireGrant"),
        "allow",
        (("grant-retirement", "grant", 0),),
        grants=(DECRYPT_GRANT,),
    ),
    Case(
        "grant-allows-decrypt",
        "A grant allows Decrypt",
        "A grant gives its grantee its operations, here with an encryption context constraint "
        "that the request meets.",
        docs.GRANTS,
        policy(enable_iam()),
        request(APP_ROLE, "kms:Decrypt", {"kms:EncryptionContext:Department": "IT"}),
        "allow",
        (("grant-allows", "grant", 0),),
        grants=(DECRYPT_GRANT,),
    ),
    Case(
        "grant-constraint-fails",
        "A grant whose encryption context constraint the request does not meet",
        "EncryptionContextEquals requires exactly the constraint's pairs.",
        docs.GRANT_CONSTRAINTS,
        policy(enable_iam()),
        request(
            APP_ROLE,
            "kms:Decrypt",
            {"kms:EncryptionContext:Department": "IT", "kms:EncryptionContext:Project": "x"},
        ),
        "implicit-deny",
        (
            ("no-key-policy-allow", "key-policy", None),
            ("no-iam-allow", "iam-policy", None),
            ("grant-does-not-apply", "grant", 0),
        ),
        grants=(DECRYPT_GRANT,),
    ),
    Case(
        "vpc-endpoint-policy-denies",
        "A VPC endpoint policy that denies",
        "A request through a VPC endpoint must also be allowed by the endpoint's policy; its "
        "explicit Deny wins.",
        docs.VPC_ENDPOINT_POLICY,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        request(APP_SESSION, "kms:Decrypt", vpce=VPCE),
        "explicit-deny",
        (("explicit-deny", "vpce-policy", 1),),
        vpce_policy=policy(
            statement("Allow", "*", "kms:*", "Default"),
            statement("Deny", "*", "kms:Decrypt", "No decryption through this endpoint"),
        ),
    ),
    Case(
        "vpc-endpoint-policy-does-not-allow",
        "A VPC endpoint policy that does not allow the operation",
        "Without an Allow in the endpoint policy the request fails, though the key policy allows.",
        docs.VPC_ENDPOINT_POLICY,
        policy(enable_iam(), statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        request(APP_SESSION, "kms:Decrypt", vpce=VPCE),
        "implicit-deny",
        (("vpce-policy-does-not-allow", "vpce-policy", None),),
        vpce_policy=policy(
            statement(
                "Allow",
                "*",
                "kms:Encrypt",
                "Encrypt only",
                {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
            )
        ),
    ),
    Case(
        "iam-only-permission",
        "An IAM-policy-only permission: kms:CreateKey",
        "Permissions that are not on a key are decided by IAM policies alone; a key policy "
        "cannot grant them.",
        docs.PERMISSIONS,
        policy(enable_iam(), statement("Allow", {"AWS": USER}, "kms:CreateKey", "Misplaced")),
        {"principal": USER, "action": "kms:CreateKey"},
        "allow",
        (("iam-only-allows", "iam-policy", 0), ("iam-only-in-key-policy", "key-policy", 1)),
        iam_policies=(iam_policy("Allow", "kms:CreateKey", resource="*"),),
    ),
    Case(
        "iam-deny-without-enabling",
        "An IAM policy can deny even where it could not allow",
        "The key policy allows the role directly and does not enable IAM policies, yet the "
        "role's IAM policy denies: the Deny wins.",
        docs.KEY_POLICIES,
        policy(statement("Allow", {"AWS": APP_ROLE}, USE_ACTIONS, "Key users")),
        request(APP_SESSION, "kms:Decrypt"),
        "explicit-deny",
        (("explicit-deny", "iam-policy", 0),),
        iam_policies=(iam_policy("Deny", "kms:Decrypt", resource="*"),),
    ),
    Case(
        "service-principal",
        "A service principal limited by aws:SourceArn",
        "A key policy can allow an AWS service principal directly; IAM policies never apply to it.",
        docs.PRINCIPAL,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"Service": "cloudtrail.amazonaws.com"},
                "kms:GenerateDataKey*",
                "CloudTrail",
                {"StringLike": {"aws:SourceArn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}},
            ),
        ),
        request(
            "cloudtrail.amazonaws.com",
            "kms:GenerateDataKey",
            {"aws:SourceArn": f"arn:aws:cloudtrail:us-west-2:{ACCOUNT}:trail/main"},
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    Case(
        "policy-variable",
        "A policy variable: the encryption context must name the caller's team",
        "${aws:PrincipalTag/team} is replaced by the caller's tag before StringEquals compares.",
        docs.POLICY_VARIABLES,
        policy(
            enable_iam(),
            statement(
                "Allow",
                {"AWS": APP_ROLE},
                "kms:Decrypt",
                "Own team's data",
                {"StringEquals": {"kms:EncryptionContext:team": "${aws:PrincipalTag/team}"}},
            ),
        ),
        request(
            APP_SESSION,
            "kms:Decrypt",
            {"aws:PrincipalTag/team": "blue", "kms:EncryptionContext:team": "blue"},
        ),
        "allow",
        (("key-policy-allows", "key-policy", 1),),
    ),
    *ORGANIZATION_CASES,
    *SESSION_CASES,
    *MORE_CASES,
    *DOCUMENTED_CASES,
    *GUIDE_CASES,
)
