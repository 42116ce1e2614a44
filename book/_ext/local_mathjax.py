"""Serve MathJax 2 from the built book, copied from the pip-installed jupyter-server-mathjax.

Pages then typeset their maths with no network (no CDN), and the repository holds no third-party
JavaScript: the files are copied into ``_static/mathjax`` of the output at every HTML build.
"""

import shutil
from pathlib import Path

import jupyter_server_mathjax
from sphinx.application import Sphinx

MATHJAX_SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"
MATHJAX_FOLDER = "mathjax"  # inside the build's _static folder

# MathJax 2 settings. The combined file bundles TeX and MathML input with HTML-CSS output; the
# package ships only the STIX-Web web fonts, so MathJax must not look for any other font.
# MyST has already turned $...$ into math nodes that Sphinx writes as \( \) and \[ \], so those
# are the only delimiters MathJax has to look for.
MATHJAX2_CONFIG = {
    "config": ["TeX-AMS-MML_HTMLorMML-full.js"],
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": False,
        "processRefs": False,
    },
    "TeX": {"equationNumbers": {"autoNumber": "none"}},
    "HTML-CSS": {
        "availableFonts": [],
        "preferredFont": None,
        "webFont": "STIX-Web",
        "imageFont": None,
    },
    "SVG": {"font": "STIX-Web"},
    "messageStyle": "none",
    # Screen readers read maths from MathML: AssistiveMML puts a visually hidden MathML copy
    # (class MJX_Assistive_MathML) beside each typeset formula and hides the glyphs from them.
    # The combined configuration bundles the extension; this keeps it on whatever a reader's
    # MathJax menu cookie says.
    "extensions": ["AssistiveMML.js"],
    "menuSettings": {"assistiveMML": True},
}


def configure_mathjax(app: Sphinx, config) -> None:
    """Point Sphinx's mathjax extension at the local copy (a path inside _static)."""
    config.mathjax_path = f"{MATHJAX_FOLDER}/MathJax.js"
    config.mathjax2_config = MATHJAX2_CONFIG
    config.mathjax3_config = None


def copy_mathjax(app: Sphinx) -> None:
    """Copy MathJax into the output before any page is written (pages checksum their scripts)."""
    if app.builder.format != "html":
        return
    if not (MATHJAX_SOURCE / "MathJax.js").is_file():
        raise FileNotFoundError(
            f"no MathJax.js in {MATHJAX_SOURCE}: reinstall jupyter-server-mathjax"
        )
    shutil.copytree(
        MATHJAX_SOURCE, Path(app.outdir) / "_static" / MATHJAX_FOLDER, dirs_exist_ok=True
    )


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure_mathjax)
    app.connect("builder-inited", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
