"""uvshim doctor: every cached environment, installed tool and managed Python at once."""
