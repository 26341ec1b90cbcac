"""Notices (准予/不予登记通知书), appeals (复核申请) and the registry (登记簿, A.3.16): issue 4 parts 9 and 10."""
