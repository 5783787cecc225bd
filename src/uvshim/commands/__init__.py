"""The ``uvshim`` management commands: ``explain`` and ``doctor`` (never on the ``uvx`` path)."""
