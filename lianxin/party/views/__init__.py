"""Thin views of the Party pages: parse input, read through selectors, write through services."""
