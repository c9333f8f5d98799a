"""Generators of hostile inputs: every file is made at test time in a temporary folder."""
