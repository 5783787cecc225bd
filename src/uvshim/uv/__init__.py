"""The model of uv: the binary, its options and settings, and its cache key, per release."""
