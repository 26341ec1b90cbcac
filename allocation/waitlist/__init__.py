"""轮候 in allocation: refusals, removal after the limit, readable position changes, the waiting-period limit."""
