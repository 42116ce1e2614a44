"""A corpus held compactly: one array of vocabulary indices and where each name starts.

A list of names costs a Python str per name (about 50 bytes before its first letter) and, once
encoded, an int array per name: millions of objects for a 64 MiB file. A Corpus holds the same
names as one array of indices (one byte a character for a vocabulary of at most 256 symbols)
and two int arrays, the start and the length of every name; a subset (the train or dev set, a
batch) is two smaller int arrays over the same codes. Batches are encoded one at a time from
it, so memory follows the corpus's bytes plus one batch, never a Python object per name.

read_corpus builds one from a file in a single pass (a pipe works too); corpus_from_names from
a list, for the list API of train and evaluate, which then run exactly as on a file.
"""

import array

import numpy as np

from ..validation import quote_path
from .names import END, check_split, grouped_batch_indices, iter_numbered_names, split_indices

#: Characters gathered before read_corpus turns them into an array of code points (a few
#: hundred kB of Python strings at a time).
CHUNK_CHARS = 1 << 16


class Corpus:
    """Names as codes[starts[i] : starts[i] + lengths[i]], indices into the vocabulary chars."""

    __slots__ = ("codes", "starts", "lengths", "chars")

    def __init__(self, codes, starts, lengths, chars):
        self.codes = codes  # 1-D unsigned int array of vocabulary indices, all names end to end
        self.starts = starts  # int64 array: where each name's codes begin
        self.lengths = lengths  # int64 array: each name's number of characters
        self.chars = chars  # the vocabulary: chars[i] is the character of index i, "\n" first

    def __len__(self):
        return len(self.starts)

    def subset(self, positions):
        """The names at positions (an int array), in that order, sharing this corpus's codes."""
        return Corpus(self.codes, self.starts[positions], self.lengths[positions], self.chars)

    def split(self, dev_fraction=0.1, rng=0, test_fraction=0.0):
        """The corpus cut as split_names cuts a list of the same names: two or three subsets."""
        fractions = check_split(len(self), dev_fraction, rng, test_fraction)
        return tuple(self.subset(part) for part in split_indices(len(self), *fractions))

    def count_chars(self):
        """Number of predicted characters: each name's length plus its closing "\\n"."""
        return int(self.lengths.sum()) + len(self)

    def names(self):
        """The names as a list of str (for small corpora: one Python object per name)."""
        symbols = np.array(list(self.chars), dtype=object)
        return ["".join(symbols[self.codes[s : s + n]]) for s, n in zip(self.starts, self.lengths)]

    def batches(self, batch_size, rng=None, pool_batches=20):
        """length_grouped_batches of these names, as int arrays of positions in this corpus."""
        return grouped_batch_indices(self.lengths, batch_size, rng, pool_batches)

    def encode(self, positions):
        """One-hot X, Y (n_x, m, T_x) of the names at positions, laid out as encode_names does."""
        if not len(positions):
            raise ValueError("names must hold at least one name; got an empty list")
        starts, lengths = self.starts[positions], self.lengths[positions]
        m, n_x, end = len(positions), len(self.chars), self.chars.index(END)
        T_x = int(lengths.max()) + 1
        X = np.zeros((n_x, m, T_x))
        Y = np.zeros((n_x, m, T_x))
        name = np.repeat(np.arange(m), lengths)
        step = np.arange(len(name)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = self.codes[np.repeat(starts, lengths) + step].astype(np.intp)
        X[flat, name, step + 1] = 1.0  # input at step t is the character t - 1
        Y[flat, name, step] = 1.0  # target at step t is the character t
        Y[end, np.arange(m), lengths] = 1.0  # then the end of the name
        return X, Y


def _code_dtype(size):
    """The smallest unsigned dtype that holds every index of a vocabulary of size symbols."""
    return np.uint8 if size <= 1 << 8 else np.uint16 if size <= 1 << 16 else np.uint32


def _code_points(text):
    """The Unicode code points of text as an array of the smallest unsigned dtype that holds them."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return points.astype(_code_dtype(int(points.max()) + 1 if len(points) else 0))


def _indexer(chars):
    """(sorted code points of chars, their indices in chars): a lookup for searchsorted."""
    points = np.array([ord(c) for c in chars], dtype=np.int64)
    order = np.argsort(points)
    return points[order], order


def _to_indices(points, lookup, out):
    """Write the vocabulary index of every code point into out; False if one is not in it."""
    keys, indices = lookup
    found = np.minimum(np.searchsorted(keys, points), len(keys) - 1)
    if not np.array_equal(keys[found], points):
        return False
    out[:] = indices[found]
    return True


def _assemble(chunks, lengths, chars):
    """The Corpus of code-point chunks (freed one by one as they are converted) and lengths."""
    lengths = np.frombuffer(lengths, dtype=np.int64) if len(lengths) else np.zeros(0, np.int64)
    starts = np.cumsum(lengths)
    starts -= lengths  # in place: one int64 array per name less at the peak
    codes = np.empty(int(lengths.sum()), dtype=_code_dtype(len(chars)))
    lookup, done = _indexer(chars), 0
    while chunks:
        points = chunks.pop(0)
        if not _to_indices(points, lookup, codes[done : done + len(points)]):
            unknown = sorted(set(np.unique(points).tolist()) - set(map(ord, chars)))
            raise ValueError(f"names hold the character {chr(unknown[0])!r}, not in {chars!r:.60}")
        done += len(points)
    return Corpus(codes, starts, lengths, chars)


def corpus_from_names(names, chars):
    """The Corpus of a list of names over the vocabulary chars ("\\n" first).

    Raises:
        ValueError if a name holds a character that is not in chars
    """
    lengths = array.array("q", map(len, names))
    chunks = [_code_points("".join(names))] if names else []
    return _assemble(chunks, lengths, chars)


def read_corpus(path, chars=None, vocabulary_of=""):
    """Read a corpus file (see iter_numbered_names) into a Corpus, in one pass, line by line.

    Memory follows the file: its characters as code points (one byte each for Latin-1 text),
    then as vocabulary indices, and two int64 per name; never a Python object per name.

    Arguments:
        path -- a text file or a pipe, UTF-8, one name per line
        chars -- the vocabulary ("\\n" first), or None for the file's own ("\\n" and its
            characters, sorted, as build_vocabulary)
        vocabulary_of -- what chars belongs to, said in the message (e.g. "checkpoint 'm.npz'")
    Raises:
        ValueError as iter_numbered_names, or naming the line of a character not in chars
    """
    known = None if chars is None else set(chars)
    where = f"data file {quote_path(path)}"
    lengths, chunks, pending, pending_chars, seen = array.array("q"), [], [], 0, set()
    for line, name in iter_numbered_names(path):
        if known is not None and not known.issuperset(name):
            unknown = next(c for c in name if c not in known)
            of = f" of {vocabulary_of}" if vocabulary_of else ""
            raise ValueError(
                f"{where}, line {line}: character {unknown!r} is not in the vocabulary{of}"
            )
        lengths.append(len(name))
        pending.append(name)
        pending_chars += len(name)
        if pending_chars >= CHUNK_CHARS:
            chunks.append(_code_points("".join(pending)))
            seen.update(np.unique(chunks[-1]).tolist())
            pending, pending_chars = [], 0
    chunks.append(_code_points("".join(pending)))
    seen.update(np.unique(chunks[-1]).tolist())
    if chars is None:
        chars = END + "".join(sorted(map(chr, seen)))
    return _assemble(chunks, lengths, chars)
