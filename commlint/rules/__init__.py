"""Rules: packs, vocabularies and lexicons as data, the rule types that run them, their examples,
suggestions and generated reference, and the pack linter."""
