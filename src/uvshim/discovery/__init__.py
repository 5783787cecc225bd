"""The model of uv-python: which interpreter uv picks for a request, and what it is."""
