"""The contract between uvshim's model and one uv binary, checked by running it.

``facts`` runs the check (a throw-away cache and home, a tool wheel of our own, offline);
``listed`` reads the options a help text lists; ``verdict`` keeps each binary's result and
decides, for a release newer than the newest modelled one, whether the shim may act on it.
"""
