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
