"""导航式网上申请 (issue 6 part 4): server-side drafts, step by step, submitted through admission's services."""
