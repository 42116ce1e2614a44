"""The line styles the notebooks' figures draw their series in, readable without colour.

Each series differs from the others by line style and marker as well as by colour, and the
colours are Okabe and Ito's palette (blue, orange, green, vermilion, purple), which stays
distinct under the common colour blindnesses (WCAG 1.4.1: colour is never the only cue).
Pass one entry as keyword arguments: ``ax.plot(x, y, **SERIES_STYLES[0])``.
"""

SERIES_STYLES = (
    {"color": "#0072B2", "ls": "-", "marker": "o"},
    {"color": "#E69F00", "ls": "--", "marker": "s"},
    {"color": "#009E73", "ls": "-.", "marker": "^"},
    {"color": "#D55E00", "ls": ":", "marker": "D"},
    {"color": "#CC79A7", "ls": (0, (6, 2, 1, 2, 1, 2)), "marker": "v"},
)
