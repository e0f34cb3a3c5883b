"""The evaluation of one request, one module per stage in AWS's order.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: an
explicit Deny in any policy (`deny`); the organization's resource control policies (`rcp`) and
service control policies (`scp`); the key policy (`key_policy`); the caller's identity policies
with its permissions boundary and session policy (`identity`); grants (`grants`); and, for a
request through a VPC endpoint, the endpoint's policy (`endpoint`). `base` holds what they share.
"""
