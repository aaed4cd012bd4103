"""Run every benchmark and print its figures: ``make bench``.

Each ``benchmarks/bench_<topic>.py`` has a ``main()`` that prints what it
measures. Timings vary from machine to machine, which is why they live here
and not in tests or notebooks.
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # so benchmarks can `import timing`


def main(names: list[str]) -> int:
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem.removeprefix("bench_") not in names:
            continue
        print(f"== {path.stem.removeprefix('bench_')} ==", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.main()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
