"""The AWS documentation each evaluation rule rests on, in one place."""

from __future__ import annotations

IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
KMS = "https://docs.aws.amazon.com/kms/latest/developerguide"

# IAM's policy language and evaluation.
EVALUATION_LOGIC = f"{IAM}/reference_policies_evaluation-logic.html"
MULTI_VALUED = f"{IAM}/reference_policies_condition-single-vs-multi-valued-context-keys.html"
POLICY_VARIABLES = f"{IAM}/reference_policies_variables.html"
PRINCIPAL = f"{IAM}/reference_policies_elements_principal.html"
NOT_PRINCIPAL = f"{IAM}/reference_policies_elements_notprincipal.html"

# KMS's own rules.
KEY_POLICIES = f"{KMS}/key-policies.html"
ENABLE_IAM = f"{KMS}/key-policy-default.html#key-policy-default-allow-root-enable-iam"
CROSS_ACCOUNT = f"{KMS}/key-policy-modifying-external-accounts.html"
PERMISSIONS = f"{KMS}/kms-api-permissions-reference.html"
GRANTS = f"{KMS}/grants.html"
GRANT_CONSTRAINTS = "https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html"
RETIRE_GRANT = f"{KMS}/grant-manage.html#grant-delete"
VPC_ENDPOINT_POLICY = f"{KMS}/kms-vpc-endpoint.html#vpce-policy"
ENCRYPTION_CONTEXT_CASE = f"{KMS}/conditions-kms.html#conditions-kms-encryption-context-case"
ACCESS_ANALYZER = f"{IAM}/access-analyzer-resources.html#access-analyzer-kms-keys"

# Organizations, boundaries and sessions.
ORGANIZATIONS = "https://docs.aws.amazon.com/organizations/latest/userguide"
SCP = f"{ORGANIZATIONS}/orgs_manage_policies_scps.html"
SCP_EVALUATION = f"{ORGANIZATIONS}/orgs_manage_policies_scps_evaluation.html"
RCP = f"{ORGANIZATIONS}/orgs_manage_policies_rcps.html"
KMS_RCP = f"{KMS}/resource-control-policies.html"
BOUNDARIES = f"{IAM}/access_policies_boundaries.html"
SESSION_POLICIES = f"{IAM}/access_policies.html#policies_session"
CROSS_ACCOUNT_EVALUATION = f"{IAM}/reference_policies_evaluation-logic-cross-account.html"
SERVICE_LINKED_ROLES = f"{IAM}/using-service-linked-roles.html"
CONDITION_KEYS = f"{IAM}/reference_policies_condition-keys.html"
ALIAS_ACCESS = f"{KMS}/alias-access.html"
GRANT_CONCEPTS = f"{KMS}/grants.html#grant-concepts"
GRANT_CHAIN = f"{KMS}/create-grant-overview.html#grant-creategrant"
SCP_EXAMPLES = f"{ORGANIZATIONS}/orgs_manage_policies_scps_examples_general.html"
RCP_EXAMPLES = f"{ORGANIZATIONS}/orgs_manage_policies_rcps_examples.html"
VIA_SERVICE = f"{KMS}/conditions-kms.html#conditions-kms-via-service"
VPC_ENDPOINT_CONDITION = f"{KMS}/kms-vpc-endpoint.html#vpce-policy-condition"
MULTI_REGION = f"{KMS}/multi-region-keys-auth.html"
CONFUSED_DEPUTY = f"{IAM}/confused-deputy.html"
AWS_MANAGED_KEYS = f"{KMS}/concepts.html#aws-managed-key"
CREATE_GRANT = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html"
