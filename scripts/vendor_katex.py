"""Copy KaTeX's browser files from its npm tarball into docs/assets/katex/, for maths rendered offline.

    npm pack katex                                  # katex-X.Y.Z.tgz from the npm registry
    python scripts/vendor_katex.py katex-X.Y.Z.tgz

Only what a current browser loads is kept: katex.min.js, katex.min.css (its @font-face rules rewritten to
name only the .woff2 fonts) and the .woff2 fonts, about 600 kB; plus KaTeX's LICENSE (MIT) and a SOURCE.txt
saying which version this is. The site's own script, docs/assets/render-math.js, calls katex.render.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tarfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "docs" / "assets" / "katex"


def main(tarball: str) -> None:
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}

        def read(name: str) -> bytes:
            return archive.extractfile(members[f"package/{name}"]).read()

        version = json.loads(read("package.json"))["version"]
        if TARGET.exists():
            shutil.rmtree(TARGET)
        (TARGET / "fonts").mkdir(parents=True)
        (TARGET / "katex.min.js").write_bytes(read("dist/katex.min.js"))
        css = read("dist/katex.min.css").decode("utf-8")
        css = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
        (TARGET / "katex.min.css").write_text(css, encoding="utf-8")
        for name in members:
            if name.startswith("package/dist/fonts/") and name.endswith(".woff2"):
                (TARGET / "fonts" / Path(name).name).write_bytes(archive.extractfile(members[name]).read())
        (TARGET / "LICENSE").write_bytes(read("LICENSE"))
    (TARGET / "SOURCE.txt").write_text(
        f"KaTeX {version} (https://katex.org), MIT licence (LICENSE beside this file), from the npm package\n"
        f"katex@{version} by scripts/vendor_katex.py: dist/katex.min.js, dist/katex.min.css with only the\n"
        f".woff2 fonts named, and dist/fonts/*.woff2.\n", encoding="utf-8")
    print(f"KaTeX {version} -> {TARGET}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
