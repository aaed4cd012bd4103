"""The book's figure style and how a notebook stores its figures (gdcore.plotting)."""

import base64
import io

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from gdcore import plotting


def test_a_figure_is_stored_with_twice_the_pixels_of_its_displayed_size():
    plotting.use_book_style()  # outside IPython: the style only
    fig, ax = plt.subplots(figsize=(5.0, 3.0))
    x = np.linspace(0.0, 6.0, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.set_xlabel("x")
    ax.legend()
    try:
        data, size = plotting.hidpi_png(fig)
    finally:
        plt.close(fig)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.format == "PNG" and image.mode == "P"  # 256 colours: a third of the bytes
    assert image.size == (2 * size["width"], 2 * size["height"])
    assert abs(size["width"] - 5.0 * fig.dpi) < 0.1 * 5.0 * fig.dpi  # about the figure's own size


def test_an_empty_figure_shows_nothing():
    fig = plt.figure()
    try:
        assert plotting.hidpi_png(fig) is None
    finally:
        plt.close(fig)
