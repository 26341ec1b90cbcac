"""资格评估 (issue 6 part 2): plain questions, the rules engine, and what is missing in plain words."""
