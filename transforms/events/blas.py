"""The parser's matrix products through numpy's BLAS, on one thread.

Most of the parse's CPU is the tok2vec layer's matrix products. thinc computes them with the blis
kernels it ships; numpy's OpenBLAS picks kernels for the machine's CPU (AVX-512 where there is one) and
runs the same products about three times faster on one core (bench/README.md, "Events stage CPU"). The
weights and the layers stay what they are; only the routine that multiplies changes, so the tags and
the parse stay those of the model (tests/test_event_blas.py compares the two on sentences written for it).

OpenBLAS would start a thread per core: the Beam workers already are the parallelism, so the BLAS is
held to one thread. Where that cannot be done (threadpoolctl missing, or a BLAS it does not know) the
pipeline keeps thinc's blis kernels.
"""

from __future__ import annotations

import functools

from spacy.language import Language
from thinc.api import NumpyOps

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # an environment installed before the dependency was added: blis stays
    ThreadpoolController = None


@functools.lru_cache(maxsize=1)
def single_threaded_blas() -> bool:
    """Holds numpy's BLAS to one thread for this process; False when no BLAS could be held."""
    if ThreadpoolController is None:
        return False
    blas = ThreadpoolController().select(user_api="blas")
    if not blas.lib_controllers:
        return False
    blas.limit(limits=1)
    return all(controller.num_threads == 1 for controller in blas.lib_controllers)


def use_numpy_blas(nlp: Language) -> bool:
    """Makes every layer of ``nlp``'s trained components multiply through numpy's BLAS, when that BLAS
    runs on one thread; returns whether it did."""
    if not single_threaded_blas():
        return False
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for layer in model.walk():
            layer.ops = ops
    return True
