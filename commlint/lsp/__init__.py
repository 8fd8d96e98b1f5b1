"""The commlint language server (``commlint lsp``). Needs the optional extra ``lsp`` (pygls).

Modules: ``server`` wires the features; ``diagnostics``, ``code_actions``, ``hover`` and
``density`` build the answers; ``config`` finds each workspace's configuration;
``positions`` converts offsets to LSP positions in the negotiated encoding.
"""
