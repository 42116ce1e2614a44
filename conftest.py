"""pytest set-up for nbval, which re-runs notebooks/*.ipynb (options in pyproject.toml)."""

import os
from pathlib import Path


def pytest_configure(config):
    """Make nbval behave the same from any folder and under any matplotlib set-up.

    - ``--nbval-sanitize-with nbval_sanitize.cfg`` names a file at the repository root; resolve it
      there, so that `cd notebooks && pytest 01_rnn_cell.ipynb` works too.
    - The notebook kernels inherit this process's environment. A non-interactive MPLBACKEND
      (CI scripts often set Agg) would make every plt.show() draw nothing, and every figure cell
      would then differ from its stored output; without it, the kernel draws figures inline.
    """
    if not getattr(config.option, "nbval", False):
        return
    sanitize = config.option.nbval_sanitize_with
    if sanitize and not Path(sanitize).is_absolute() and not Path(sanitize).exists():
        config.option.nbval_sanitize_with = str(config.rootpath / sanitize)
    os.environ.pop("MPLBACKEND", None)
