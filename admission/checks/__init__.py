"""Department data checks on submission and the automatic path (issue 4 parts 5 and 6)."""
