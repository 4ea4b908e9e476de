"""Renderers: domain results in, text / JSON / GitHub workflow output out."""
