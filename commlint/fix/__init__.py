"""``--fix``: applying suggestions as edits, written atomically."""
