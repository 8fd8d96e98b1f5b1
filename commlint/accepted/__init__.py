"""Accepted findings: fingerprints that survive edits, the file that records them, and ``commlint
diff`` (old draft against new, matched by the same fingerprints)."""
