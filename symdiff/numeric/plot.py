"""Pictures: a function with its tangent line at a point, or a function with its derivative over a range.

Why it is built this way:
- matplotlib is an optional extra (pip install 'symdiff-cas[plot]'), imported only here and only when a plot is
  drawn; without it, MissingExtraError says how to install it. Figures are drawn on matplotlib's Agg canvas
  directly (no pyplot), so no window, no global state, and the file has exactly the requested pixel size.
- Curves are sampled by the compiled NumPy function (symdiff.numeric.compile). Where the expression is undefined the
  value is nan, and where it jumps by more than half the visible height between two samples (a pole such as
  tan's, or a jump such as sign's) the line is broken, so that no vertical line is drawn across a pole.
- Labels are symdiff's own LaTeX, made acceptable to matplotlib's mathtext by a small table of replacements
  (MATHTEXT): every function symdiff knows renders (tests/test_plot.py checks each).
- The functions return what they drew (PlotResult: the sampled series and the tangent's point and slope), so
  tests can check the picture's content, not only that a file exists.
- What cannot be drawn is a SymdiffError, never matplotlib's or the file system's exception: a path that
  cannot be written is a UsageError naming it (`.path`; the OSError is its __cause__), a range that is not two
  finite numbers, low < high, a UsageError, and a function with no finite value over the range, or values
  too large to draw, an EvaluationError with its `reason` (Reason.NOT_REAL or Reason.OVERFLOW).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

from ..calculus.derivatives import derivative
from ..core.build import add, mul, number, sub
from ..core.equation import Equation
from ..core.errors import EvaluationError, MissingExtraError, PathError, Reason, UsageError
from ..core.expr import Expr, Sym
from ..parsing.inputs import as_expr, as_point, default_variable, variable_name
from ..printing.latex import latex, latex_symbol
from ..simplification.simplifier import simplify
from .compile import CompiledFunction, lambdify
from .point import check_differentiable, value_at
from .tangent import tangent as normal_line

if TYPE_CHECKING:  # NumPy and matplotlib are optional extras, imported only to draw
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

# Samples of a curve: x or y values.
Floats: TypeAlias = "NDArray[numpy.float64]"

__all__ = ["plot_tangent", "plot_with_derivative", "PlotResult", "MissingExtraError", "mathtext"]

FORMATS = {".svg": "svg", ".png": "png"}
SAMPLES = 2001            # points per curve (odd: a symmetric range samples its midpoint, e.g. the pole of 1/x)
JUMP = 0.5                # a step larger than this fraction of the visible height breaks the line,
STEEP, RATIO = 0.02, 8.0  # and so does one larger than STEEP of it and RATIO times the steps around it
INSTALL = "pip install 'symdiff-cas[plot]'"

# symdiff LaTeX -> matplotlib mathtext: the commands mathtext lacks, and what to write instead.
MATHTEXT = (
    ("\\operatorname{", "\\mathrm{"),
    ("\\left|", "|"), ("\\right|", "|"),
    ("\\text{", "\\mathrm{"),
)


@dataclass
class PlotResult:
    """What was drawn: `series` maps each legend label to its (x, y) NumPy arrays (nan where the line is
    broken); for a tangent plot, `point` is (a, f(a)) and `slope` is f'(a) as floats."""
    path: Path
    series: dict[str, tuple[Floats, Floats]] = field(default_factory=dict)
    point: tuple[float, float] | None = None
    slope: float | None = None
    tangent: Expr | None = None       # the tangent line y = f(a) + f'(a)(x - a), exact where a is
    ylim: tuple[float, float] = (0.0, 1.0)


def _matplotlib() -> tuple[ModuleType, type[Figure], type[FigureCanvasAgg]]:
    try:
        import matplotlib  # optional extra (plot): imported only to draw
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError(f"plotting needs matplotlib and NumPy: {INSTALL}") from None
    return matplotlib, Figure, FigureCanvasAgg


def mathtext(latex: str) -> str:
    """symdiff's LaTeX for an expression, in $...$, as matplotlib's mathtext reads it."""
    for command, replacement in MATHTEXT:
        latex = latex.replace(command, replacement)
    return f"${latex}$"


def _format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"cannot tell the picture format from {path.name!r}: end the name in .svg or .png")
    return kind


def _unwritable(message: str, path: object) -> PathError:
    """A PathError (a UsageError) about the file `path`, which it carries as `.path`."""
    return PathError(message, path=str(path))


def _target(path: object) -> Path:
    """The file to write, checked before anything is computed: a name ending in .svg or .png, in a directory
    that exists (UsageError naming the path otherwise; that it can be written is known only on writing)."""
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"the path of the picture must be a file name, not {type(path).__name__}")
    path = Path(path)
    if "\0" in str(path):
        raise _unwritable(f"cannot write {str(path)!r}: a file name cannot hold a NUL character", path)
    _format(path)
    directory = path.parent
    if not directory.is_dir():
        problem = "is not a directory" if directory.exists() else "does not exist"
        raise _unwritable(f"cannot write {path}: {directory} {problem}", path)
    return path


def _function_of(expr: Expr, variable: str) -> CompiledFunction:
    extra = sorted(expr.free_symbols - {variable})
    if extra:
        raise UsageError(f"a plot needs a function of {variable} alone; {', '.join(extra)} has no value")
    return lambdify(expr, [variable], backend="numpy")


def _sample(function: CompiledFunction, xs: Floats) -> Floats:
    """f at `xs` as floats, nan where undefined or not finite."""
    import numpy  # optional extra: only plots need it
    ys = numpy.asarray(function(xs), dtype=float) * numpy.ones_like(xs)
    ys[~numpy.isfinite(ys)] = numpy.nan
    return ys


def _some_finite(ys: Floats, what: str, variable: str, xs: Floats) -> None:
    """EvaluationError unless `what` (sampled as `ys`) has a finite value somewhere over the range: a plot of
    nothing is not drawn. Its reason: Reason.NOT_REAL (undefined everywhere, as sqrt(-1 - x^2))."""
    import numpy  # optional extra: only plots need it
    if not numpy.isfinite(ys).any():
        raise EvaluationError(f"nothing to draw: {what} has no finite real value for {xs[0]:g} <= {variable} <= "
                              f"{xs[-1]:g}", reason=Reason.NOT_REAL)


def _view(curves: Sequence[Floats], floor_height: float = 1.0) -> tuple[float, float]:
    """y limits showing the curves: all of them when no value dominates, else the 5th-95th percentiles
    (a pole's huge values must not flatten the rest), with a margin."""
    import numpy  # optional extra: only plots need it
    values = numpy.concatenate([ys[numpy.isfinite(ys)] for ys in curves]) if curves else numpy.array([])
    if values.size == 0:
        return (-1.0, 1.0)
    with numpy.errstate(all="ignore"):  # values near the float limit: their differences overflow to inf
        low, high = values.min(), values.max()
        p_low, p_high = numpy.percentile(values, [5, 95])
        if high - low > 10 * max(p_high - p_low, 1e-12):
            low, high = p_low, p_high
        if high - low < 1e-9:
            low, high = low - floor_height / 2, high + floor_height / 2
        margin = 0.08 * (high - low)
        ylim = (float(low - margin), float(high + margin))
    if not (math.isfinite(ylim[0]) and math.isfinite(ylim[1]) and math.isfinite(ylim[1] - ylim[0])):
        raise EvaluationError(f"the values are too large to draw: from {low:g} to {high:g}", reason=Reason.OVERFLOW)
    return ylim


def _break_jumps(xs: Floats, ys: Floats, ylim: tuple[float, float]) -> tuple[Floats, Floats]:
    """(xs, ys) with a nan inserted between two samples where the curve jumps, so that no line is drawn
    across a pole or a jump: a step larger than JUMP of the visible height, or larger than STEEP of it and
    RATIO times the steps two samples either side, inside the view (a smooth curve's steps change slowly; a
    jump's do not, even when a sample lands on the jump, as sign(0) = 0 does)."""
    import numpy  # optional extra: only plots need it
    height = ylim[1] - ylim[0]
    steps = numpy.abs(numpy.diff(ys))
    padded = numpy.concatenate([[numpy.nan, numpy.nan], steps, [numpy.nan, numpy.nan]])
    around = numpy.fmax(padded[:-4], padded[4:])  # the steps at i-2 and i+2, ignoring nan
    with numpy.errstate(invalid="ignore"):
        above, below = ys > ylim[1], ys < ylim[0]
        visible = ~above & ~below
        offscreen = (above[:-1] & above[1:]) | (below[:-1] & below[1:])  # a step nobody sees
        jumps = ((steps > JUMP * height) & ~offscreen) | ((steps > STEEP * height) & (steps > RATIO * around)
                                                          & visible[:-1] & visible[1:])
    where = numpy.nonzero(jumps)[0] + 1
    return (numpy.insert(xs, where, (xs[where - 1] + xs[where]) / 2), numpy.insert(ys, where, numpy.nan))


def _draw(series: dict[str, tuple[Floats, Floats]], path: Path, variable: str, ylim: tuple[float, float], width: int,
          height: int, dpi: int, point: tuple[float, float] | None = None) -> Path:
    _, Figure, FigureCanvasAgg = _matplotlib()
    kind = _format(path)
    try:
        figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for label, (xs, ys) in series.items():
            axes.plot(xs, ys, label=label, linewidth=1.6)
        if point is not None:
            axes.plot([point[0]], [point[1]], "o", color="black", markersize=4)
        axes.set_ylim(*ylim)
        axes.axhline(0, color="0.6", linewidth=0.6)
        axes.axvline(0, color="0.6", linewidth=0.6)
        axes.set_xlabel(f"${latex_symbol(variable)}$")
        axes.set_ylabel("$y$")
        axes.legend(loc="best", fontsize="small")
        axes.grid(True, linewidth=0.3)
        figure.tight_layout()
        figure.savefig(path, format=kind, dpi=dpi)
    except OSError as error:
        raise _unwritable(f"cannot write {path}: {error.strerror or error}", path) from error  # errno in the cause
    except (ValueError, OverflowError) as error:  # what matplotlib cannot draw (values near the float limit)
        raise EvaluationError(f"the plot cannot be drawn: {error}") from error
    return path


def _range(x_range: Iterable[float]) -> tuple[float, float]:
    """(low, high) as floats: two finite numbers, low < high, whose distance is a float too (UsageError
    otherwise: -inf:inf, nan or equal ends would sample nothing)."""
    try:
        if isinstance(x_range, (str, bytes)):
            raise TypeError
        low, high = (float(v) for v in x_range)
    except (TypeError, ValueError, ArithmeticError):
        raise UsageError(f"the range must be two numbers, low and high, not {x_range!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise UsageError(f"the range must be finite, not {low}:{high}")
    if not low < high:
        raise UsageError(f"the range must go from low to high, not {low}:{high}")
    if not math.isfinite(high - low):
        raise UsageError(f"the range is too wide to sample (over 1.8e308): {low}:{high}")
    return low, high


def plot_with_derivative(expr: Expr | str, variable: str | None = None, path: str | os.PathLike[str] = "plot.svg",
                         x_range: Iterable[float] = (-3, 3), width: int = 640, height: int = 480,
                         dpi: int = 100) -> PlotResult:
    """f and f' over `x_range`, as SVG or PNG by the suffix of `path`, `width` x `height` pixels."""
    _matplotlib()
    import numpy  # optional extra: only plots need it
    path = _target(path)
    expr = as_expr(expr)
    variable = variable_name(variable) if variable is not None else default_variable(expr)
    xs = numpy.linspace(*_range(x_range), SAMPLES)
    slope = derivative(expr, [variable])
    curves = {f"$f({variable}) = {mathtext(latex(expr))[1:]}": _sample(_function_of(expr, variable), xs),
              f"$f'({variable}) = {mathtext(latex(slope))[1:]}": _sample(_function_of(slope, variable), xs)}
    _some_finite(next(iter(curves.values())), "f", variable, xs)
    ylim = _view(list(curves.values()))
    series = {label: _break_jumps(xs, ys, ylim) for label, ys in curves.items()}
    return PlotResult(_draw(series, path, variable, ylim, width, height, dpi), series, ylim=ylim)


def plot_tangent(expr: Expr | str, variable: str | None = None, at: object = 0,
                 path: str | os.PathLike[str] = "tangent.svg", x_range: Iterable[float] | None = None,
                 width: int = 640, height: int = 480, dpi: int = 100, normal: bool = False) -> PlotResult:
    """f and its tangent line at `at` (a number or its text, e.g. 1 or "pi/4"), over `x_range` (default:
    3 either side of the point), as SVG or PNG by the suffix of `path`; with `normal`, the normal line too
    (numeric.tangent's; vertical where the tangent is horizontal). The axes are not scaled equally, so the
    normal looks perpendicular only where the view is about as tall as it is wide."""
    _matplotlib()
    import numpy  # optional extra: only plots need it
    path = _target(path)
    expr = as_expr(expr)
    variable = variable_name(variable) if variable is not None else default_variable(expr)
    a = as_point({variable: at})[variable]
    if a.free_symbols:
        raise UsageError(f"{variable} = {a} is not a number")
    a_value = value_at(a, {}, exact=False)
    fa = value_at(expr, {variable: a})  # exact where a is; raises if f(a) is undefined
    try:
        check_differentiable(expr, {variable: a}, [variable])  # abs(x) at 0: no tangent, though sign(0) = 0
        slope = value_at(derivative(expr, [variable]), {variable: a})
    except EvaluationError as error:
        raise EvaluationError(f"no tangent at {variable} = {a}: {error}", reason=error.reason) from None
    fa, slope = (v if isinstance(v, Expr) else number(v) for v in (fa, slope))
    tangent = simplify(add(fa, mul(slope, sub(Sym(variable), a))))  # y = f(a) + f'(a)(x - a)
    if x_range is None and not a_value - 3 < a_value + 3:
        raise UsageError(f"{variable} = {a} is too large for the default range of 3 either side: give a range")
    low, high = _range(x_range if x_range is not None else (a_value - 3, a_value + 3))
    xs = numpy.linspace(low, high, SAMPLES)
    f_label = f"$f({variable}) = {mathtext(latex(expr))[1:]}"
    tangent_label = f"tangent at ${variable} = {latex(a)}$: $y = {mathtext(latex(tangent))[1:]}"
    f_values = _sample(_function_of(expr, variable), xs)
    tangent_values = _sample(_function_of(tangent, variable), xs)
    _some_finite(f_values, "f", variable, xs)
    ylim = _view([f_values])
    point = (a_value, value_at(fa, {}, exact=False))
    series = {f_label: _break_jumps(xs, f_values, ylim), tangent_label: (xs, tangent_values)}
    if normal:
        line = normal_line(expr, {variable: a}, normal=True).equation
        assert isinstance(line, Equation)  # one variable: a line y = ... or x = a, not a parametric one
        label = f"normal: ${mathtext(latex(line.lhs))[1:-1]} = {mathtext(latex(line.rhs))[1:]}"
        if line.lhs is Sym(variable):  # x = a: vertical
            series[label] = (numpy.array([a_value, a_value]), numpy.array(ylim))
        else:
            series[label] = (xs, _sample(_function_of(line.rhs, variable), xs))
    path = _draw(series, path, variable, ylim, width, height, dpi, point=point)
    return PlotResult(path, series, point=point, slope=value_at(slope, {}, exact=False), tangent=tangent,
                      ylim=ylim)
