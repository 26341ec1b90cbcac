"""资源台账 (A.6.1–A.6.4) and the support side's payment plans and land supply (A.7.7–A.7.8)."""
