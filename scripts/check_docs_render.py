"""Check that the built documentation renders its maths, in a real browser, with no network.

    python scripts/check_docs_render.py [--site DIR] [--screenshot DIR]

Builds the site (`mkdocs build --strict`) into a temporary folder, or uses an already built one with
--site; opens each page from file:// in headless Chromium (Debian's `chromium` package: `apt-get install
chromium`), lets its scripts run, and reads the resulting DOM. A page passes when

- every formula pymdownx.arithmatex left (`.arithmatex`) holds KaTeX's output (`.katex`), and none holds a
  KaTeX error (`.katex-error`);
- no TeX is left in the visible text: no `\\frac`, `\\begin`, `\\(`, `\\[` or `$` delimiters outside code
  blocks (KaTeX's hidden MathML copy, `.katex-mathml`, is not visible text and is skipped);
- every picture of a symdiff plot is there.

With --screenshot DIR, a PNG of each page is saved there to look at. Exit status 0 when every page passes,
1 when one does not, 2 when Chromium or MkDocs is missing. Not run in CI (it needs Chromium); run it after
changing the docs' maths setup.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As on this workplace's machines: no sandbox as root, and no background connections to a closed network.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--allow-file-access-from-files", "--virtual-time-budget=5000"]
RAW_TEX = re.compile(r"\\(frac|begin|end|left|right|partial|nabla|operatorname)\b|\\[()\[\]]|\$")
SKIPPED = {"pre", "code", "script", "style", "noscript", "title", "head"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Counts formulas and their renderings, and collects the text a reader sees."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []   # (tag, hidden), hidden if inside a skipped element
        self.formulas = self.rendered = self.errors = 0
        self.images: list[str] = []
        self.visible: list[str] = []
        self._formula_depths: list[int] = []
        self._found_katex: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        hidden = (self.stack[-1][1] if self.stack else False) or tag in SKIPPED or "katex-mathml" in classes \
            or attributes.get("aria-hidden") == "true" and tag == "mjx-assistive-mml"
        if "arithmatex" in classes:
            self.formulas += 1
            self._formula_depths.append(len(self.stack))
            self._found_katex.append(False)
        if "katex" in classes and self._found_katex and not self._found_katex[-1]:
            self._found_katex[-1] = True
            self.rendered += 1
        if "katex-error" in classes:
            self.errors += 1
        if tag == "img":
            self.images.append(attributes.get("src", ""))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self._formula_depths and len(self.stack) == self._formula_depths[-1]:
                self._formula_depths.pop()
                self._found_katex.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.visible.append(data)


def dump_dom(chromium: str, page: Path, profile: Path) -> str:
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or "<html" not in result.stdout:
        raise RuntimeError(f"chromium failed on {page}: {result.stderr[-2000:]}")
    return result.stdout


def screenshot(chromium: str, page: Path, profile: Path, target: Path) -> None:
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={target}",
                    "--window-size=1280,2400", "--hide-scrollbars", page.as_uri()],
                   capture_output=True, timeout=120, check=True)


def check_page(chromium: str, page: Path, site: Path, profile: Path) -> list[str]:
    parsed = Page()
    parsed.feed(dump_dom(chromium, page, profile))
    problems = []
    name = page.relative_to(site).as_posix()
    if parsed.rendered != parsed.formulas:
        problems.append(f"{name}: {parsed.formulas - parsed.rendered} of {parsed.formulas} formulas not rendered")
    if parsed.errors:
        problems.append(f"{name}: {parsed.errors} KaTeX errors")
    text = " ".join("".join(parsed.visible).split())
    for match in RAW_TEX.finditer(text):
        context = text[max(0, match.start() - 60):match.end() + 60]
        problems.append(f"{name}: raw TeX in the visible text: ...{context}...")
        break
    for source in parsed.images:
        if not source.startswith("data:") and not (page.parent / source).exists():
            problems.append(f"{name}: missing picture {source}")
    print(f"{name}: {parsed.formulas} formulas, {parsed.rendered} rendered by KaTeX, "
          f"{len(parsed.images)} pictures{'' if problems else ': ok'}")
    return problems


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--site", type=Path, help="an already built site (default: build one)")
    options.add_argument("--screenshot", type=Path, help="save a PNG of each page in this folder")
    arguments = options.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("check_docs_render: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        site = arguments.site
        if site is None:
            site = Path(scratch) / "site"
            build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                                   cwd=ROOT, capture_output=True, text=True)
            if build.returncode != 0:
                print(f"check_docs_render: mkdocs build failed:\n{build.stderr[-4000:]}", file=sys.stderr)
                return 2
        pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
        problems = []
        for page in pages:
            problems += check_page(chromium, page, site, Path(scratch) / "profile")
            if arguments.screenshot:
                arguments.screenshot.mkdir(parents=True, exist_ok=True)
                folder = page.relative_to(site).parent.as_posix()
                target = arguments.screenshot / f"{'index' if folder == '.' else folder.replace('/', '-')}.png"
                screenshot(chromium, page, Path(scratch) / "profile", target)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(pages)} pages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
