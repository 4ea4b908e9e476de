"""Promotion: gates, comment-preserving YAML edits, branches, holds and rollbacks."""
