"""python -m rnn_lib train | sample | evaluate (see rnn_lib.cli)."""

import sys

from .cli import run

sys.exit(run())
