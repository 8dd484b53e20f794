"""The documentation site builds, shows what symdiff computes, and loads nothing from the network.

Its examples are run by test_readme.py; here the site is built once (`mkdocs build --strict`, which runs
docs/hooks.py and so every generated formula, table and plot) and the pages are read. Skipped, saying so,
when MkDocs is not installed (pip install ".[docs]"). The maths rendering itself is checked in a browser by
scripts/check_docs_render.py.
"""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python", "pymdownx"):
    pytest.importorskip(module, reason=f"the docs build needs {module}: pip install '.[docs]'")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    return target


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def sources() -> list[Path]:
    return sorted(DOCS.glob("**/*.md"))


def built(site: Path, source: Path) -> Path:
    relative = source.relative_to(DOCS).with_suffix("")
    return site / ("index.html" if relative.name == "index" else relative / "index.html")


class Resources(HTMLParser):
    """Every address a page loads by itself: scripts, stylesheets and icons, pictures, frames."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed"):
            self.loaded.append(attributes.get("src") or "")
        if tag == "link" and attributes.get("rel") not in ("canonical", "alternate"):
            self.loaded.append(attributes.get("href") or "")


def test_every_page_is_built(site):
    for source in sources():
        assert built(site, source).exists(), f"{source.relative_to(ROOT)} was not built"


def test_no_page_loads_anything_from_the_network(site):
    remote = re.compile(r"^(https?:)?//", re.I)
    for html in site.rglob("*.html"):
        parser = Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        offending = [address for address in parser.loaded if remote.match(address)]
        assert not offending, f"{html.relative_to(site)} loads {offending}"
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"(url\(\s*['\"]?|@import\s+['\"]?)(https?:)?//", text), f"{css} loads a remote file"


def test_maths_is_rendered_by_the_katex_shipped_with_the_site(site):
    assert (site / "assets" / "katex" / "katex.min.js").exists()
    fonts = sorted(p.name for p in (site / "assets" / "katex" / "fonts").glob("*.woff2"))
    named = set(re.findall(r"fonts/([\w-]+\.woff2)", (site / "assets" / "katex" / "katex.min.css").read_text()))
    assert named and named <= set(fonts), f"katex.min.css names fonts that are not shipped: {named - set(fonts)}"
    tutorial = page(site, "tutorial")
    assert "assets/katex/katex.min.js" in tutorial and "assets/render-math.js" in tutorial


def test_generated_outputs_are_on_every_page(site):
    """Each symdiff-... cell and {{ ... }} of a page was replaced by its output: none is left in the HTML, there
    is a display formula for each maths cell, and each plot cell's picture is beside its page."""
    for source in sources():
        markdown = source.read_text(encoding="utf-8")
        html = built(site, source).read_text(encoding="utf-8")
        name = source.relative_to(ROOT).as_posix()
        assert "symdiff-math" not in html and "symdiff-markdown" not in html and "{{" not in html, name
        maths = len(re.findall(r"^```symdiff-math", markdown, re.M))
        assert html.count('<div class="arithmatex">') >= maths, name
        for picture in re.findall(r"^```symdiff-plot (\S+)", markdown, re.M):
            drawn = built(site, source).parent / picture
            assert drawn.exists() and drawn.stat().st_size > 1000, f"{name}: {picture} was not drawn"
            assert f'src="{picture}"' in html, name


def test_the_tutorial_shows_symdiffs_own_results(site):
    import symdiff as sd
    tutorial = page(site, "tutorial")
    for latex in (sd.steps("3*x^2 - 4*x", "x").latex(),            # the worked example, rule by rule
                  sd.limit_table("3*x^2 - 4*x", "x", 1).latex(),    # the derivative as a limit
                  sd.hessian("x^2*y + sin(x*y)").latex(),           # gradients and Hessians
                  sd.cse(sd.gradient("exp(x*y)*sin(x*y)")).latex(),
                  sd.latex(sd.diff("f(g(x))", "x"))):               # the chain rule
        assert _escaped(latex) in tutorial, latex
    svg = (site / "tutorial" / "tangent.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    assert "y = 2*x - 3" in tutorial  # the tangent's caption


def _escaped(latex: str) -> str:
    return latex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_rule_table_lists_every_function_of_the_registry(site):
    import symdiff as sd
    from symdiff.functions import ALIASES, NOT_DIFFERENTIABLE, REGISTRY
    rules = page(site, "reference/rules")
    for (name, arity), rule in REGISTRY.items():
        assert f"<code>{name}</code>" in rules, name
        for partial in rule.partials:
            assert f"<code>{_escaped(partial)}</code>" in rules, (name, partial)
            if partial != NOT_DIFFERENTIABLE:  # polygamma's order: no formula to print
                assert _escaped(sd.latex(sd.parse(partial))) in rules, (name, partial)
    for alias in ALIASES:
        assert f"<code>{alias}</code>" in rules, alias


def test_the_cli_reference_has_every_option_with_an_example(site):
    from symdiff.cli.command import build_argument_parser
    from test_readme import cli_examples
    html = page(site, "reference/cli")
    commands = " ".join(command for command, _ in cli_examples((DOCS / "reference" / "cli.md").read_text()))
    for action in build_argument_parser()._actions:
        if not action.option_strings:
            continue  # the expression
        for option in action.option_strings:
            assert f"<code>{option}" in html, f"{option} is not described"
        if set(action.option_strings) & {"-h", "--version", "--batch"}:
            continue  # --help's text is on the page; --version and --batch (it needs a file) are run by Python
            # examples there
        assert any(re.search(rf"{re.escape(option)}(?=[\s=]|$)", commands) for option in action.option_strings), \
            f"no example uses {action.option_strings}"


def test_the_api_reference_documents_every_public_function(site):
    import inspect

    import symdiff as sd
    html = page(site, "reference/api")
    public = [getattr(sd, name) for name in sd.__all__]
    documented = [f.__name__ for f in public if inspect.isfunction(f) and f.__name__ != "srepr"]
    documented += [c.__name__ for c in public if inspect.isclass(c) and issubclass(c, sd.SymdiffError)]
    assert {"diff", "gradient", "limit_table", "ParseError"} <= set(documented)
    for name in documented:
        assert re.search(rf'id="symdiff(\.api)?\.{name}"', html), f"symdiff.{name} is not in the API reference"
