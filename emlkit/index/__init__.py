"""The index layer: a SQLite store of records, full-text search, threads and identities.

It stands on the parser layer and is used by claims, render, the notebook API and the CLI.
"""
