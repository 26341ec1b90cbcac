"""Publicity batches (公示, A.3.12) and reports during publicity (公示期间举报, A.3.13): issue 4 part 8."""
