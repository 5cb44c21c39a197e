"""Parallax: many news reports of one crisis turned into one sourced, cross-checked record."""

__version__ = "0.1.0"
