"""Linting: the engine that runs a configuration's rules over documents, the diagnostics it produces,
the run's report, grammar review of suggestions and parallel runs."""
