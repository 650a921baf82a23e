"""The stages of the communique pipeline and the pure functions behind them.

Pure modules (``seeds``, ``sentences``, ``temporal``, ``actors``, ``events`` ...) know nothing of Beam and
are unit-tested on their own; ``transforms.stages`` wraps them in composite ``beam.PTransform``s.
"""
