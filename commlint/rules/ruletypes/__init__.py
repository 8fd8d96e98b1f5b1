"""Rule types: each turns a rule's data (or a Python class) into Findings over the prose view."""
