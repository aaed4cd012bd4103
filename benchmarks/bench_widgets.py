"""Widget update times: recompute and redraw, as a slider move triggers them.

Each explorer's ``update`` does everything a slider change does except
sending the PNG to the browser. Target: well under 100 ms (50 ms median).
"""

from timing import median_ms

from gdcore import widgets


def main() -> None:
    explorer = widgets.SecantExplorer()
    steps = iter([0.5, 0.05, 0.005] * 100)
    ms = median_ms(lambda: explorer.update(h=next(steps)))
    print(f"SecantExplorer.update (chapter 1): {ms:6.1f} ms median")


if __name__ == "__main__":
    main()
