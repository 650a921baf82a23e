"""Composite Beam transforms, one module per pipeline stage."""
