"""The explorers' shared machinery: the PNG of a frame holds exactly the canvas's pixels."""

import io

import numpy as np
from PIL import Image

from gdcore import widgets
from gdcore.widgets._live import encode_png


def test_png_decodes_to_the_canvas_pixels():
    explorer = widgets.SecantExplorer()
    canvas = explorer.fig.canvas
    png = encode_png(canvas)
    image = Image.open(io.BytesIO(png))
    image.load()  # checks every chunk's CRC and the compressed data
    assert image.mode == "RGB" and image.size == canvas.get_width_height(physical=True)
    assert np.array_equal(np.asarray(image), np.asarray(canvas.buffer_rgba())[:, :, :3])
    assert bytes(explorer.image.value) == png  # the widget shows this frame
