"""The communique command line, its options, and the assembly of the Beam pipeline."""

__version__ = "0.1.0"
