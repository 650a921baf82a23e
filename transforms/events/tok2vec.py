"""The model's token-to-vector layer, computed in one pass with the same arithmetic.

``en_core_web_sm``'s tok2vec is a chain of about forty thinc layers (six hash embeddings, a maxout
mixing layer, four residual window-encoder blocks, each with maxout and layer normalization). Run on the
few dozen sentences of one article, the layers' Python calls, the argmax thinc's maxout keeps for
training, and the layer normalization's second pass over its input (``numpy.var`` works the mean out
again) cost about as much as the matrix products themselves.

``streamline_tok2vec(nlp)`` gives the tok2vec model a forward pass that does, per batch, exactly the
operations of those layers in inference, in the same order, on arrays of the same layout: the same
hash keys and embedding rows summed in the same order, the same matrix products (the same numpy call
on the same weights), the same bias additions, the maximum of the same pieces, the same mean and
variance reductions and the same padding between documents. Only what inference never reads is left
out. So the vectors are the model's to the bit (tests/test_event_tok2vec.py compares them, byte for
byte, with thinc's own forward pass).

It is installed only on the exact architecture it was written for (``spacy.Tok2Vec.v2`` with
``MultiHashEmbed.v2`` and ``MaxoutWindowEncoder.v2`` of window 1); any other model keeps thinc's pass,
and so does training (``is_train``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

TOK2VEC = "tok2vec"
_PIECES = 3  # maxout pieces of the architecture this pass was written for
_WINDOW = 1  # the window encoder's window: one token either side


class _Maxout:
    """A maxout layer followed by layer normalization (``maxout>>layernorm``), read from its models."""

    def __init__(self, maxout: Model, layernorm: Model):
        self.maxout = maxout
        self.layernorm = layernorm
        self.width = maxout.get_dim("nO")

    def __call__(self, inputs: numpy.ndarray) -> numpy.ndarray:
        maxout = self.maxout
        n_out, n_in = self.width, maxout.get_dim("nI")
        weights = maxout.ops.reshape2f(maxout.get_param("W"), n_out * _PIECES, n_in)
        scores = maxout.ops.gemm(inputs, weights, trans2=True)
        scores += maxout.ops.reshape1f(maxout.get_param("b"), n_out * _PIECES)
        best, _ = maxout.ops.maxout(maxout.ops.reshape3f(scores, scores.shape[0], n_out, _PIECES))
        return self._normalize(best)

    def _normalize(self, values: numpy.ndarray) -> numpy.ndarray:
        # thinc's LayerNorm: (X - X.mean(1)) * (X.var(1) + 1e-8) ** -0.5 * G + b, where numpy's var
        # computes the same mean again and the same difference; computed here once each, by the same calls.
        count = numpy.intp(values.shape[1])
        mean = numpy.add.reduce(values, axis=1, keepdims=True)
        numpy.true_divide(mean, count, out=mean, casting="unsafe")
        centred = numpy.subtract(values, mean)
        squared = numpy.square(centred)
        variance = numpy.add.reduce(squared, axis=1, keepdims=True)
        numpy.true_divide(variance, count, out=variance, casting="unsafe")
        variance = variance + 1e-08
        normalized = centred * variance ** (-1.0 / 2.0)
        normalized *= self.layernorm.get_param("G")
        normalized += self.layernorm.get_param("b")
        return normalized


class StreamlinedTok2Vec:
    """The forward pass of one tok2vec model of the supported architecture (see the module docstring)."""

    def __init__(self, model: Model):
        embed, encode = model.layers
        self.thinc_forward = model._func
        self.extract = embed.layers[0]
        concatenated = embed.layers[2].layers[0]
        self.embeddings = [
            (column.layers[0].attrs["index"][1], column.layers[1]) for column in concatenated.layers
        ]
        self.width = sum(table.get_dim("nO") for _, table in self.embeddings)
        mixing = embed.layers[3].layers[0].layers[0]
        self.mix = _Maxout(mixing.layers[0], mixing.layers[1])
        self.pad = encode.attrs["pad"]
        self.blocks = [
            _Maxout(block.layers[0].layers[1].layers[0].layers[0],
                    block.layers[0].layers[1].layers[0].layers[1])
            for block in encode.layers[0].layers
        ]

    def forward(self, model: Model, docs: Sequence[Doc], is_train: bool) -> tuple[list, Callable]:
        if is_train or not docs or any(len(doc) == 0 for doc in docs):
            return self.thinc_forward(model, docs, is_train)
        features = self.extract.predict(docs)
        lengths = [len(rows) for rows in features]
        ids = numpy.concatenate(features)
        embedded = numpy.empty((ids.shape[0], self.width), dtype="float32")
        start = 0
        for column, table in self.embeddings:
            vectors = table.get_param("E")
            keys = table.ops.hash(table.ops.as_contig(ids[:, column], dtype="uint64"), table.attrs["seed"])
            keys %= vectors.shape[0]
            # thinc's gather_add adds the rows of the keys in turn to zeros: the same sums, since no row
            # holds a negative zero (``_supported`` checks), so that 0.0 + row == row
            block = embedded[:, start:start + vectors.shape[1]]
            numpy.add(vectors[keys[:, 0]], vectors[keys[:, 1]], out=block)
            for key in range(2, keys.shape[1]):
                block += vectors[keys[:, key]]
            start += vectors.shape[1]
        mixed = self.mix(embedded)
        # The encoder's input: the documents one after the other, ``pad`` zero rows before, between and after
        pad = self.pad
        tokens = numpy.zeros((mixed.shape[0] + pad * (len(docs) + 1), mixed.shape[1]), dtype="float32")
        offsets = []
        source = 0
        target = pad
        for length in lengths:
            tokens[target:target + length] = mixed[source:source + length]
            offsets.append(target)
            source += length
            target += length + pad
        for block in self.blocks:
            tokens = tokens + block(block.maxout.ops.seq2col(tokens, _WINDOW))
        vectors = [tokens[offset:offset + length] for offset, length in zip(offsets, lengths, strict=True)]
        return vectors, _no_backprop


def _no_backprop(_gradient):
    raise RuntimeError("the streamlined tok2vec pass is for inference only")


def _supported(model: Model) -> bool:
    """Whether ``model`` is the tok2vec architecture this pass reproduces, down to each layer's settings."""
    try:
        embed, encode = model.layers
        extract, _, concatenated, mixing, _ = embed.layers
        columns = concatenated.layers[0].layers
        maxouts = [mixing.layers[0].layers[0].layers[0]]
        blocks = encode.layers[0].layers
        for block in blocks:
            window, rest = block.layers[0].layers
            if window.name != "expand_window" or window.attrs.get("window_size") != _WINDOW:
                return False
            maxouts.append(rest.layers[0].layers[0])
    except (ValueError, IndexError, AttributeError):
        return False
    names = (
        extract.name == "extract_features"
        and embed.layers[1].name == "list2ragged"
        and embed.layers[4].name == "ragged2list"
        and all(column.name == "ints-getitem>>hashembed" for column in columns)
        and mixing.layers[0].name == "maxout>>layernorm>>dropout"
        and all(block.name == "residual(expand_window>>maxout>>layernorm>>dropout)" for block in blocks)
        and encode.name.startswith("with_array(")
    )
    if not names or encode.attrs.get("pad", 0) < len(blocks) * _WINDOW:
        return False
    for column in columns:
        vectors = column.layers[1].get_param("E")
        if numpy.any((vectors == 0) & numpy.signbit(vectors)):
            return False  # a negative zero: thinc's 0.0 + (-0.0) would be 0.0, the sum here -0.0
        index = column.layers[0].attrs.get("index")
        if not (isinstance(index, tuple) and isinstance(index[1], int) and _every_row(index[0])):
            return False
    return all(layer.get_dim("nP") == _PIECES for layer in maxouts)


def _every_row(index) -> bool:
    return isinstance(index, slice) and index.start in (None, 0) and index.stop is None and index.step is None


def streamline_tok2vec(nlp: Language) -> bool:
    """Gives ``nlp``'s tok2vec model the one-pass forward when its architecture is the supported one;
    returns whether it did (``nlp`` unchanged otherwise)."""
    if TOK2VEC not in nlp.pipe_names:
        return False
    model = nlp.get_pipe(TOK2VEC).model
    if isinstance(getattr(model._func, "__self__", None), StreamlinedTok2Vec):
        return True
    if not _supported(model):
        return False
    model._func = StreamlinedTok2Vec(model).forward
    return True
