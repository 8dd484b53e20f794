"""symdiff.plot: valid SVG and PNG files of the requested size, the tangent's slope is the derivative, poles and
undefined regions are gaps, every function's label renders in mathtext, and a clear message without matplotlib."""

import struct
import sys
import xml.etree.ElementTree as ElementTree

import pytest

import symdiff as sd
from symdiff import functions

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is in the test extra: pip install '.[test]'")
numpy = pytest.importorskip("numpy")

from symdiff.core.errors import MissingExtraError
from symdiff.numeric.plot import JUMP, mathtext, plot_tangent, plot_with_derivative  # noqa: E402


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_root(path):
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def test_tangent_png_has_the_requested_size_and_the_derivative_as_slope(tmp_path):
    result = plot_tangent("3*x^2 - 4*x", "x", 1, tmp_path / "tangent.png", width=500, height=300)
    assert png_size(result.path) == (500, 300)
    assert result.point == (1.0, -1.0) and result.slope == 2.0
    (label, (xs, ys)), = [(k, v) for k, v in result.series.items() if k.startswith("tangent")]
    slope, intercept = numpy.polyfit(xs, ys, 1)
    assert slope == pytest.approx(2.0, abs=1e-9) and intercept == pytest.approx(-3.0, abs=1e-9)
    assert "y = 2 x - 3" in label


@pytest.mark.parametrize("text, at", [("sin(x)", "pi/4"), ("x^3 - x", -1), ("exp(x)/x", 2), ("sqrt(x)", 0.5)])
def test_tangent_slope_is_the_derivative(tmp_path, text, at):
    result = plot_tangent(text, "x", at, tmp_path / "t.svg")
    (xs, ys), = [v for k, v in result.series.items() if k.startswith("tangent")]
    expected = sd.evaluate(sd.diff(text, "x"), {"x": at}, exact=False)
    assert numpy.polyfit(xs, ys, 1)[0] == pytest.approx(expected, rel=1e-9)
    fa = sd.evaluate(text, {"x": at}, exact=False)
    assert numpy.interp(result.point[0], xs, ys) == pytest.approx(fa, rel=1e-9, abs=1e-12)  # through (a, f(a))


def test_svg_has_the_requested_size(tmp_path):
    result = plot_with_derivative("x^2*sin(x)", "x", tmp_path / "both.svg", (-3, 3), width=640, height=480)
    root = svg_root(result.path)
    assert (root.get("width"), root.get("height")) == ("460.8pt", "345.6pt")  # 6.4 x 4.8 inches at 72 pt
    assert root.get("viewBox") == "0 0 460.8 345.6"
    assert len(result.series) == 2


def no_line_across(ys, ylim):
    """No segment drawn between consecutive samples, and seen (not wholly above or below the view), spans more
    than JUMP of the visible height."""
    drawn = numpy.isfinite(ys[:-1]) & numpy.isfinite(ys[1:])
    above, below = ys > ylim[1], ys < ylim[0]
    seen = drawn & ~(above[:-1] & above[1:]) & ~(below[:-1] & below[1:])
    return bool(numpy.all(numpy.abs(numpy.diff(ys))[seen] <= JUMP * (ylim[1] - ylim[0])))


@pytest.mark.parametrize("text, poles", [("tan(x)", [-numpy.pi / 2, numpy.pi / 2]), ("1/x", [0.0]),
                                         ("1/(x^2 - 1)", [-1.0, 1.0]), ("sign(x)", [0.0])])
def test_poles_and_jumps_are_gaps(tmp_path, text, poles):
    result = plot_with_derivative(text, "x", tmp_path / "p.png", (-3, 3))
    assert png_size(result.path) == (640, 480)
    (xs, ys) = next(iter(result.series.values()))
    assert no_line_across(ys, result.ylim)
    for pole in poles:  # a gap at each pole: a NaN among the samples nearest to it
        nearest = numpy.argsort(numpy.abs(xs - pole))[:3]
        assert numpy.isnan(ys[nearest]).any(), (text, pole)
    assert numpy.isfinite(ys).sum() > 0.9 * len(ys)


def test_undefined_region_is_empty(tmp_path):
    result = plot_with_derivative("log(x)", "x", tmp_path / "log.svg", (-3, 3))
    (xs, ys), (dxs, derivative) = result.series.values()
    assert numpy.isnan(ys[xs <= 0]).all() and numpy.isfinite(ys[xs > 0.01]).all()
    assert numpy.isfinite(derivative[dxs < -0.01]).all()  # 1/x is defined there


def test_constant_derivative_is_drawn_as_a_line(tmp_path):
    result = plot_with_derivative("3*x - 1", "x", tmp_path / "line.png")
    (xs, derivative) = list(result.series.values())[1]
    assert (derivative == 3.0).all() and derivative.shape == xs.shape


# (x in an argument the function is not differentiable in, as polygamma's order, would make d/dx an error)
LABELS = [f"{name}(x)" if arity == 1 else f"{name}(y, x)" if functions.REGISTRY[name, arity].not_differentiable
          else f"{name}(x, y)" for name, arity in sorted(functions.REGISTRY)] + [
    "sqrt(x)/x^(1/3)", "abs(x - 1)/(2*y)", "alpha_1 + rate + x_max", "sin(x)^2 + exp(-x^2)", "f'(x) + D[1,0](g)(x, y)",
    "1.5e-7*x"]


@pytest.mark.parametrize("text", LABELS)
def test_every_label_renders_in_mathtext(text):
    """symdiff's LaTeX for every function (and its derivative), after MATHTEXT's replacements, is mathtext."""
    from matplotlib.mathtext import MathTextParser
    parser = MathTextParser("path")
    expr = sd.parse(text)
    for node in (expr, sd.diff(expr, "x")):
        parser.parse(mathtext(sd.latex(node)))  # raises ValueError on what mathtext cannot read


@pytest.mark.parametrize("call, error, message", [
    (lambda p: plot_tangent("x^2", "x", 1, p / "t.jpg"), sd.UsageError, "end the name in .svg or .png"),
    (lambda p: plot_tangent("x*y", "x", 1, p / "t.png"), sd.UsageError, "y has no value"),
    (lambda p: plot_tangent("log(x)", "x", 0, p / "t.png"), sd.SymdiffError, "log\\(x\\) is undefined at x = 0"),
    (lambda p: plot_tangent("sqrt(x)", "x", 0, p / "t.png"), sd.SymdiffError, "no tangent at x = 0"),
    (lambda p: plot_with_derivative("x", "x", p / "t.png", (1, -1)), sd.UsageError, "from low to high"),
])
def test_errors(tmp_path, call, error, message):
    with pytest.raises(error, match=message):
        call(tmp_path)


def test_without_matplotlib_the_message_says_how_to_install(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(MissingExtraError, match=r"pip install 'symdiff-cas\[plot\]'") as caught:
        plot_tangent("x^2", "x", 1, tmp_path / "t.png")
    assert isinstance(caught.value, sd.UsageError)
    assert not (tmp_path / "t.png").exists()
