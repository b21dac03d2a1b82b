"""Claims: the case file (letter, annexes, claims) and, later, excerpts and quote checks."""
