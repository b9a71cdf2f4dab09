"""Helpers the suites share; fixtures stay in the conftest files."""
