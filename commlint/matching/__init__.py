"""Patterns: compiling them (cached on disk and prepared at build time) and skipping documents that
cannot match (anchor words)."""
