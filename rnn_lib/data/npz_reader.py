"""Reading chosen arrays from an .npz file (a zip of .npy files) within bounds declared up front.

``np.load`` trusts the file: it lists every entry, and an entry that unpacks to gigabytes (a
small compressed run of zeros, a forged size) is read whole. Here the reader opens only the
entries asked for and, before reading a byte of an array, checks what the file declares:

- the zip member's compressed bytes lie inside the file, and its declared unpacked size is at
  most MAX_UNPACK_RATIO times that plus UNPACK_SLACK (real weights barely compress; a bomb's
  ratio is in the thousands);
- the .npy header (read from the first HEADER_LIMIT bytes only) declares a numeric or text dtype
  and a shape whose size, with the header, is exactly the member's declared unpacked size (which
  the caller may bound further).

Then exactly that many bytes are read, so memory follows the declared, checked sizes. Every
problem raises EntryError, a ValueError whose message names the entry.
"""

import contextlib
import io
import math
import os
import stat
import sys
import warnings
import zipfile
from typing import NamedTuple

import numpy as np
from numpy.lib import format as npy_format

#: How many bytes of an entry hold its .npy header at most (numpy's own default limit).
HEADER_LIMIT = 10_000
#: How many times its size in the file an entry may unpack to (beyond UNPACK_SLACK).
MAX_UNPACK_RATIO = 100
#: Unpacked bytes any entry may have whatever its compressed size.
UNPACK_SLACK = 1 << 20
#: Bytes read from the zip stream at a time.
CHUNK = 1 << 20

_HEADER_READERS = {
    (1, 0): npy_format.read_array_header_1_0,
    (2, 0): npy_format.read_array_header_2_0,
}


class EntryError(ValueError):
    """An entry of the archive is missing, malformed or larger than it may be."""


class EntryHeader(NamedTuple):
    """What an entry's .npy header declares, and where its data starts."""

    shape: tuple  # the array's shape
    dtype: np.dtype  # its element type
    fortran_order: bool  # column-major data
    info: zipfile.ZipInfo  # the zip member
    offset: int  # bytes of the member before the data (magic and header)
    prefix: bytes  # the member's first bytes, as read to parse the header

    @property
    def nbytes(self):
        """The bytes of data the header declares: size of the shape times the item size."""
        return math.prod(self.shape) * self.dtype.itemsize


@contextlib.contextmanager
def open_archive(path):
    """Open path as a zip archive without blocking, refusing anything but a regular file.

    The file is opened non-blocking (a FIFO swapped in after a check cannot hang the open) and
    its kind checked on the open descriptor.

    Yields:
        (zipfile.ZipFile, the file's size in bytes)
    Raises:
        OSError from opening; EntryError if it is not a regular file or not a zip archive
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        status = os.fstat(f.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise EntryError("it is not a regular file")
        try:
            archive = zipfile.ZipFile(f)
        except Exception as error:  # zipfile parses untrusted bytes: any failure means malformed
            raise EntryError(f"not a zip archive ({error})") from None
        with archive:
            yield archive, status.st_size


def read_header(archive, file_size, name):
    """Find entry name + ".npy" and parse its .npy header, checking its declared sizes.

    Arguments:
        archive -- the zipfile.ZipFile from open_archive
        file_size -- the archive's size in bytes
        name -- the entry's name without ".npy"
    Returns:
        EntryHeader, or None if the archive has no such entry
    Raises:
        EntryError for an entry whose zip sizes, header or declared data size do not hold
    """
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        return None
    _check_member_sizes(info, file_size, name)
    with _member(archive, info, name) as member:
        prefix = member.read(min(info.file_size, HEADER_LIMIT))
    shape, fortran_order, dtype, offset = _parse_header(prefix, name)
    header = EntryHeader(shape, dtype, fortran_order, info, offset, prefix)
    if dtype.hasobject or dtype.kind not in "biufcSU":
        raise EntryError(f"{name} holds {dtype}, not numbers or text")
    if not all(type(size) is int for size in shape):
        raise EntryError(f"{name} declares the shape {shape!r}, not a tuple of integers")
    if any(size < 1 for size in shape):
        raise EntryError(f"{name} declares the shape {shape}, with an empty dimension")
    if offset + header.nbytes != info.file_size:
        raise EntryError(
            f"{name} declares {shape} of {dtype} ({header.nbytes} bytes) but its zip entry "
            f"unpacks to {info.file_size - offset} bytes of data"
        )
    return header


def read_array(archive, header, name):
    """The array whose header read_header returned, reading exactly its declared bytes.

    Returns:
        a numpy array of the header's shape and dtype (its own writable memory)
    Raises:
        EntryError if the entry ends early or cannot be unpacked (a wrong checksum included)
    """
    data = bytearray(header.nbytes)
    with _member(archive, header.info, name) as member:
        member.read(header.offset)
        _read_exactly(member, memoryview(data), name)
    array = np.frombuffer(data, dtype=header.dtype)
    if header.fortran_order:
        return array.reshape(header.shape[::-1]).T
    return array.reshape(header.shape)


def read_text(archive, header, name):
    """The string held by a 0-d text entry (numpy's "<U" dtype, UTF-32), checked as Unicode."""
    if header.dtype.kind != "U" or header.shape != ():
        raise EntryError(f"{name} must be a single string; got {header.shape} of {header.dtype}")
    data = bytes(read_array(archive, header, name).data)
    order = header.dtype.byteorder
    big = order == ">" or (order == "=" and sys.byteorder == "big")
    try:
        return data.decode("utf-32-be" if big else "utf-32-le").rstrip("\0")
    except UnicodeDecodeError:
        raise EntryError(f"{name} holds text that is not valid Unicode") from None


def _check_member_sizes(info, file_size, name):
    """The member's compressed bytes lie in the file; it unpacks to a believable size."""
    if info.flag_bits & 0x1:
        raise EntryError(f"{name} is encrypted")
    if info.header_offset + info.compress_size > file_size:
        raise EntryError(f"{name} declares {info.compress_size} bytes beyond the end of the file")
    if info.file_size > MAX_UNPACK_RATIO * info.compress_size + UNPACK_SLACK:
        raise EntryError(
            f"{name} declares {info.file_size} unpacked bytes from {info.compress_size} in the "
            f"file, more than {MAX_UNPACK_RATIO} times as many"
        )


def _parse_header(prefix, name):
    """(shape, fortran_order, dtype, offset of the data) from an entry's first bytes."""
    stream = io.BytesIO(prefix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy warns about headers written by Python 2
            version = npy_format.read_magic(stream)
            reader = _HEADER_READERS.get(version)
            if reader is None:
                raise EntryError(f"{name} has .npy format version {version}; expected 1.0 or 2.0")
            shape, fortran_order, dtype = reader(stream, HEADER_LIMIT)
    except EntryError:
        raise
    except Exception as error:  # numpy parses untrusted text here: any failure means malformed
        raise EntryError(f"{name} has no valid .npy header ({type(error).__name__})") from None
    return shape, fortran_order, dtype, stream.tell()


@contextlib.contextmanager
def _member(archive, info, name):
    """Open a zip member for reading; any failure to unpack it becomes an EntryError."""
    try:
        with archive.open(info) as member:
            yield member
    except EntryError:
        raise
    except NotImplementedError:
        raise EntryError(f"{name} uses a compression method this Python cannot read") from None
    except Exception as error:  # BadZipFile (checksum), zlib.error, OSError, EOFError, ...
        raise EntryError(f"{name} cannot be unpacked ({type(error).__name__})") from None


def _read_exactly(member, view, name):
    """Fill the memoryview view from member, CHUNK bytes at a time; EntryError if it ends first."""
    filled = 0
    while filled < len(view):
        chunk = member.read(min(CHUNK, len(view) - filled))
        if not chunk:
            raise EntryError(f"{name} ends after {filled} of its {len(view)} bytes of data")
        view[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
