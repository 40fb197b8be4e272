"""Stage 5: figures (style, colours, saving).

>>> from analysis.viz import save_figure
>>> callable(save_figure)
True
"""
from analysis.viz.style import (set_style, outlet_colors, save_figure)

__all__ = ['outlet_colors', 'save_figure', 'set_style']
