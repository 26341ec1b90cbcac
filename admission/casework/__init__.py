"""Casework: check assignment (核查指派), housing and asset entry, family timeline, lists and reports,
support-object approvals (A.3.17–A.3.18): issue 4 parts 1, 4, 11 and 12."""
