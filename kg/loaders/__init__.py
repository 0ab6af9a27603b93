"""Loaders: turn a source (curated tables, dataset files, RDF files) into quads.

Loaders know nothing of stores, the command line or the terminal.
"""
