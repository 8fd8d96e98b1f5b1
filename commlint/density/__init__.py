"""Risk-term density: measuring documents, baselines, corpus runs (local or Dask) and ``commlint stats``."""
