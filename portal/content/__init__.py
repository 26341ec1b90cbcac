"""内容管理 (issue 6 part 1): columns and articles of the public portal, edited in the back office."""
