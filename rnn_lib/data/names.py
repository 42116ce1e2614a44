"""Names as data: reading a corpus, its vocabulary, one-hot encoding, padded batches, the split.

A corpus is a UTF-8 text file with one name per line. Its vocabulary is the end-of-name token
"\\n" at index 0, followed by the characters of the corpus in sorted order; for the dinosaur
corpus that is the seed's 27 symbols "\\nabc...z".

A name of T_x - 1 letters becomes T_x time steps in the seed's layout: the inputs are the zero vector
followed by the name's characters, the targets are the name's characters followed by "\\n".
"""

import numbers
from importlib import resources

import numpy as np

from ..validation import (
    check_fraction,
    check_input_file,
    check_integer,
    check_seed,
    quote_path,
)

#: The end-of-name token, always index 0 of a vocabulary.
END = "\n"

#: The largest corpus file read (64 MiB, millions of names): a file, or a pipe, that goes on
#: beyond it is refused instead of filling the memory.
MAX_CORPUS_BYTES = 64 << 20

#: The longest name a corpus may hold, as long as the longest name sampling draws.
MAX_NAME_LENGTH = 10_000

#: Fifty-three well-known genera of the corpus: a small training set on which the notebooks
#: about clipping and sampling train a model in about a second.
FAMOUS_NAMES = tuple(
    """
    aardonyx abelisaurus achelousaurus achillobator acrocanthosaurus aegyptosaurus afrovenator
    agilisaurus alamosaurus albertosaurus allosaurus alvarezsaurus amargasaurus ammosaurus
    ampelosaurus anchisaurus ankylosaurus apatosaurus archaeopteryx argentinosaurus bagaceratops
    barosaurus baryonyx brachiosaurus camarasaurus carnotaurus centrosaurus ceratosaurus
    coelophysis compsognathus deinonychus diplodocus dilophosaurus edmontosaurus gallimimus
    giganotosaurus iguanodon kentrosaurus maiasaura megalosaurus microraptor oviraptor
    pachycephalosaurus parasaurolophus plateosaurus protoceratops spinosaurus stegosaurus
    styracosaurus triceratops troodon tyrannosaurus velociraptor
    """.split()
)


#: The longest line read at once, in bytes: the longest name in UTF-8 with room for blanks.
MAX_LINE_BYTES = 4 * MAX_NAME_LENGTH + 1024


def iter_numbered_names(path):
    """Read a corpus line by line and yield (line number, name) pairs, numbered from 1.

    Memory follows one line, not the file: a corpus of 64 MiB is never held whole. Lines end at
    "\\n" (or "\\r\\n") only, so other Unicode line breaks such as U+0085 or U+2028 stay
    inside a name and never shift the line numbers that errors report. A UTF-8 byte order mark
    at the start is dropped. Each line is stripped of surrounding whitespace and lowercased
    (as the seed does); blank lines are skipped.

    Arguments:
        path -- a text file (or a pipe), UTF-8, one name per line, at most MAX_CORPUS_BYTES
    Yields:
        (line_number, name)
    Raises:
        ValueError (one line, naming the file) if the file is missing, not a regular file or a
        pipe, unreadable, larger than MAX_CORPUS_BYTES (a regular file before a line is read),
        binary (holds NUL bytes), not UTF-8, empty, blank-only, or holds a name longer than
        MAX_NAME_LENGTH; the line is named where there is one
    """
    status = check_input_file(path, "data file", allow_pipe=True)
    where = f"data file {quote_path(path)}"
    if status.st_size > MAX_CORPUS_BYTES:
        raise ValueError(
            f"{where} is larger than {MAX_CORPUS_BYTES:,} bytes, the most rnn_lib reads"
        )
    try:
        with open(path, "rb") as f:
            yield from _numbered_lines(f, where)
    except OSError as error:
        raise ValueError(f"{where} cannot be read: {error.strerror}") from None


def _numbered_lines(f, where):
    """The (line number, name) pairs of the open binary file f; see iter_numbered_names."""
    total, found, bom = 0, False, 0
    for number, raw in enumerate(iter(lambda: f.readline(MAX_LINE_BYTES), b""), start=1):
        total += len(raw)
        if total > MAX_CORPUS_BYTES:
            raise ValueError(
                f"{where} is larger than {MAX_CORPUS_BYTES:,} bytes, the most rnn_lib reads"
            )
        if b"\0" in raw:
            raise ValueError(f"{where} is binary, not text (NUL byte on line {number})")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            bom = 3
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{where} is not UTF-8 text (line {number})") from None
        name = line.strip().lower()
        cut = len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n")
        if len(name) > MAX_NAME_LENGTH or cut:
            raise ValueError(
                f"{where}, line {number}: a name of {'more than ' if cut else ''}{len(name)} "
                f"characters; names are at most {MAX_NAME_LENGTH}"
            )
        if name:
            found = True
            yield number, name
    if total == bom:  # nothing, or a byte order mark alone
        raise ValueError(f"{where} is empty")
    if not found:
        raise ValueError(f"{where} holds only blank lines; expected one name per line")


def load_numbered_names(path):
    """Read a corpus and return its (line number, name) pairs (see iter_numbered_names)."""
    return list(iter_numbered_names(path))


def load_names(path):
    """Read a corpus, one name per line (UTF-8): stripped, lowercased, blank lines skipped.

    Arguments:
        path -- a text file
    Returns:
        list of names (str), in file order
    Raises:
        ValueError for a missing, empty, blank-only, binary or non-UTF-8 file (see
        load_numbered_names)
    """
    return [name for _, name in iter_numbered_names(path)]


def dinosaur_names_path():
    """Path of the dinosaur corpus shipped with rnn_lib (rnn_lib/data/dinos.txt)."""
    return str(resources.files("rnn_lib") / "data" / "dinos.txt")


def load_dinosaur_names():
    """The shipped corpus of real dinosaur genus names: lowercase a-z, one per line, sorted."""
    return load_names(dinosaur_names_path())


def check_names(names, what="names"):
    """Check that names is a list (or tuple, or other sequence) of strings, not one string.

    A string is a sequence too: taken as a list of names it would be one name per character.

    Raises:
        ValueError like "names must be a list of names; got the str 'allosaurus' (wrap one name
        in a list: ['allosaurus'])" or naming the first item that is not a str
    """
    if isinstance(names, (str, bytes, bytearray)):
        shown = repr(names[:40]) + ("..." if len(names) > 40 else "")
        raise ValueError(
            f"{what} must be a list of names; got the {type(names).__name__} {shown} (one name "
            "goes in a list of its own)"
        )
    try:
        items = list(enumerate(names))
    except TypeError:
        raise ValueError(f"{what} must be a list of names; got {type(names).__name__}") from None
    for position, name in items:
        if not isinstance(name, str):
            raise ValueError(
                f"{what} must be a list of names (str); item {position} is "
                f"{type(name).__name__} {name!r:.40}"
            )


def check_vocabulary(chars):
    """Check that chars is a vocabulary: a str of distinct characters, "\\n" first, valid Unicode.

    Raises:
        ValueError like "chars must have '\\n' first (the end of a name); got 'abc\\n...'"
    """
    if not isinstance(chars, str):
        raise ValueError(f"chars must be a string, '\\n' first; got {type(chars).__name__}")
    if not chars.startswith(END):
        raise ValueError(f"chars must have '\\n' first (the end of a name); got {chars!r:.40}")
    if len(set(chars)) != len(chars):
        twice = next(c for i, c in enumerate(chars) if c in chars[:i])
        raise ValueError(f"chars must hold each character once; got {twice!r} twice")
    try:
        chars.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("chars must be valid Unicode; got a lone surrogate") from None


def build_vocabulary(names):
    """The vocabulary of names: "\\n" (index 0, end of name), then their characters, sorted.

    Arguments:
        names -- list of str, none containing "\\n"
    Returns:
        str of distinct characters; chars[i] is the symbol of index i
    """
    check_names(names)
    characters = set()
    for name in names:
        characters.update(name)
    if END in characters:
        raise ValueError("names must not contain a newline: it is the end-of-name token")
    return END + "".join(sorted(characters))


def index_maps(chars):
    """The seed's two lookup tables for a vocabulary string: (char_to_ix, ix_to_char)."""
    return {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))


def check_known_characters(names, char_to_ix, role=""):
    """Check that every character of names is in the vocabulary.

    Arguments:
        names -- list of names
        char_to_ix -- dict character -> index
        role -- what the names are for ("training", "dev", ...), said in the message
    Raises:
        ValueError naming the first name (by position) and its character not in char_to_ix, e.g.
        "dev name 3 ('t-rex') has the character '-', which is not in the vocabulary"
    """
    check_names(names, f"{role} names" if role else "names")
    label = f"{role} name" if role else "name"
    for position, name in enumerate(names):
        for character in name:
            if character not in char_to_ix:
                raise ValueError(
                    f"{label} {position} ({name!r}) has the character {character!r}, "
                    "which is not in the vocabulary"
                )


def name_indices(names, char_to_ix):
    """Each name as an int array of vocabulary indices (without the closing "\\n").

    Raises:
        ValueError naming the first name (by position) and character not in char_to_ix
    """
    check_known_characters(names, char_to_ix)
    return [np.array([char_to_ix[c] for c in name], dtype=np.intp) for name in names]


def encode_indices(indices, n_x, end=0):
    """One-hot X, Y (n_x, m, T_x) of names given as index arrays (see encode_names for the layout).

    Arguments:
        indices -- list of m int arrays, one per name, as name_indices returns them
        n_x -- vocabulary size
        end -- index of the end-of-name token
    Returns:
        X, Y -- float64 arrays of shape (n_x, m, T_x), T_x = longest name + 1
    """
    if not len(indices):
        raise ValueError("names must hold at least one name; got an empty list")
    m = len(indices)
    lengths = np.fromiter((len(ix) for ix in indices), dtype=np.intp, count=m)
    T_x = int(lengths.max()) + 1
    X = np.zeros((n_x, m, T_x))
    Y = np.zeros((n_x, m, T_x))
    flat = np.concatenate(indices) if lengths.sum() else np.zeros(0, dtype=np.intp)
    name = np.repeat(np.arange(m), lengths)
    step = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    X[flat, name, step + 1] = 1.0  # input at step t is the character t - 1
    Y[flat, name, step] = 1.0  # target at step t is the character t
    Y[end, np.arange(m), lengths] = 1.0  # then the end of the name
    return X, Y


def encode_names(names, char_to_ix):
    """One-hot inputs and targets of a batch of names, padded to the longest: X, Y (n_x, m, T_x).

    Name j of length L_j occupies steps 0..L_j:
        X[:, j, 0] = 0, X[:, j, t] = onehot(name[t - 1]) for 1 <= t <= L_j
        Y[:, j, t] = onehot(name[t]) for t < L_j,        Y[:, j, L_j] = onehot("\\n")
    and steps after L_j are padding: all-zero columns of X and Y. T_x = max L_j + 1.

    Arguments:
        names -- list of m names
        char_to_ix -- dict character -> index, with "\\n" -> 0
    Returns:
        X, Y -- float64 arrays of shape (n_x, m, T_x), n_x = len(char_to_ix)
    """
    return encode_indices(name_indices(names, char_to_ix), len(char_to_ix), char_to_ix[END])


def count_chars(names):
    """Number of predicted characters of a list of names: each name's length plus its "\\n"."""
    return sum(len(name) + 1 for name in names)


def split_names(names, dev_fraction=0.1, rng=0, test_fraction=0.0):
    """Split the names into a training set, a dev set and, if asked, a test set.

    The dev set is the last dev_fraction of the names once rng has shuffled them; a positive
    test_fraction cuts the test set from what remains.

    The dev set does not depend on test_fraction. The test set is the last
    round(test_fraction * len(names)) of the rest shuffled once more by rng (a seed makes a
    fresh generator again, a Generator goes on with its stream), so with seeds it is
    split_names(rest, n_test / len(rest), rng)[1]. Every set holds at least one name.

    Arguments:
        names -- list of at least 2 names (3 with a test set)
        dev_fraction -- share of the names in the dev set, in (0, 1)
        rng -- a numpy Generator or a seed (deterministic by default)
        test_fraction -- share of the names in the test set, in [0, 1); 0: no test set
    Returns:
        train_names, dev_names -- two lists; train_names, dev_names, test_names with a test set
    """
    check_names(names)
    fractions = check_split(len(names), dev_fraction, rng, test_fraction)
    return tuple([names[i] for i in part] for part in split_indices(len(names), *fractions))


def check_split(count, dev_fraction=0.1, rng=0, test_fraction=0.0):
    """Check split_names' settings for count names; returns them as (dev_fraction, rng, test).

    Raises:
        ValueError naming the first bad setting, or too few names for the sets asked for
    """
    check_seed("rng", rng)
    check_fraction("dev_fraction", dev_fraction)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise ValueError(f"test_fraction must be a number in [0, 1); got {test_fraction!r}")
    with_test = test_fraction != 0
    if count < 2 + with_test:
        raise ValueError(f"names must hold at least {2 + with_test} names to split; got {count}")
    if not 0 <= test_fraction < 1 - dev_fraction:
        raise ValueError(
            f"test_fraction must be at least 0 and below 1 - dev_fraction = {1 - dev_fraction:g}; "
            f"got {test_fraction!r}"
        )
    return dev_fraction, rng, test_fraction


def split_indices(count, dev_fraction=0.1, rng=0, test_fraction=0.0):
    """The positions of split_names' sets among count names: two or three int arrays.

    split_names(names, ...) is [names[i] for i in part] for each part; a compact corpus
    (rnn_lib.data.corpus) takes its subsets at the same positions. Check the settings first
    with check_split.
    """
    rest, dev = _cut_off(np.arange(count), round(dev_fraction * count), rng)
    if test_fraction == 0:
        return rest, dev
    train, test = _cut_off(rest, round(test_fraction * count), rng)
    return train, dev, test


def _cut_off(positions, count, rng):
    """Shuffle positions (an int array) and cut off the last count of them.

    The shuffle is np.random.default_rng(rng)'s; returns (the others, the cut-off ones), with
    count kept between 1 and len(positions) - 1.
    """
    shuffled = positions[np.random.default_rng(rng).permutation(len(positions))]
    count = min(max(1, count), len(positions) - 1)
    return shuffled[:-count], shuffled[-count:]


def length_grouped_batches(names, batch_size, rng=None, pool_batches=20):
    """Shuffle the names into batches of similar length, so that little of a batch is padding.

    The names are shuffled, cut into pools of pool_batches * batch_size, each pool is sorted by
    length and cut into batches, and the order of all batches is shuffled.

    Arguments:
        names -- list of names
        batch_size -- names per batch (the last batch of a pool may be smaller)
        rng -- a numpy Generator or a seed
        pool_batches -- batches per sorting pool: larger pools waste less padding, smaller ones
            mix lengths more
    Returns:
        list of batches, each a list of names; together they hold every name once
    """
    check_names(names)
    lengths = np.fromiter(map(len, names), dtype=np.intp, count=len(names))
    batches = grouped_batch_indices(lengths, batch_size, rng, pool_batches)
    return [[names[i] for i in batch] for batch in batches]


def grouped_batch_indices(lengths, batch_size, rng=None, pool_batches=20):
    """length_grouped_batches by position: the batches as int arrays of positions of names.

    lengths is an int array, the length of every name; the random draws and the order are
    length_grouped_batches' (a stable sort by length within each pool, as sorted(key=len)).
    Memory follows the number of names (one int each), never their text.
    """
    check_integer("batch_size", batch_size)
    check_integer("pool_batches", pool_batches)
    check_seed("rng", rng)
    rng = np.random.default_rng(rng)
    shuffled = rng.permutation(len(lengths))
    pool_size = pool_batches * batch_size
    batches = []
    for start in range(0, len(shuffled), pool_size):
        pool = shuffled[start : start + pool_size]
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        batches.extend(pool[i : i + batch_size] for i in range(0, len(pool), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def padding_fraction(batches):
    """Share of the time steps in padded batches that are padding: 1 - chars / sum(m * T_x)."""
    steps = sum(len(batch) * (max(len(name) for name in batch) + 1) for batch in batches)
    return 1.0 - sum(count_chars(batch) for batch in batches) / steps
