r"""Test landscapes: loss functions of a few parameters, with their gradients.

An objective ``f`` is a function of a parameter vector :math:`\theta \in \mathbb{R}^d`:

* ``f(theta)`` for ``theta`` of shape ``(d,)`` is the loss, a float;
* ``f(grid)`` for ``grid`` of shape ``(..., d)`` is the loss at every point,
  shape ``(...)`` (this is how contour plots evaluate a whole grid at once);
* ``f.grad(theta)`` is the analytic gradient, with the shape of ``theta``
  (it is vectorized the same way);
* ``f.minima`` (shape ``(k, d)``) are the global minimizers, ``f.xlim`` and
  ``f.ylim`` a good plotting window, ``f.name`` a readable name.

The two-dimensional classics are here (Rosenbrock, Himmelblau, Beale, a
saddle), the quadratic bowl whose curvature we control exactly
(:class:`Quadratic`), and a real loss built from data, the least-squares fit
of a line (:class:`LineFit`), which turns out to be a quadratic too.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_finite_array, as_generator, as_real, check_int, check_positive, describe


class Objective:
    """Shared plumbing: input shapes, the plotting window, a numerical Hessian."""

    name: str = "objective"
    dim: int = 2
    #: Axis labels for plots of the landscape.
    labels: tuple[str, str] = (r"$\theta_1$", r"$\theta_2$")

    def __init__(self, minima, xlim, ylim, saddles=()):
        self.minima = np.atleast_2d(np.asarray(minima, dtype=float))
        self.saddles = np.asarray(saddles, dtype=float).reshape(-1, self.dim)
        self.xlim = tuple(float(v) for v in xlim)
        self.ylim = tuple(float(v) for v in ylim)

    # -- the public interface -------------------------------------------------
    def __call__(self, theta):
        theta = self._points(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            value = _overflow_check(self._value(theta), "loss", self.name)
        return float(value) if theta.ndim == 1 else value

    def grad(self, theta) -> np.ndarray:
        """The gradient :math:`\\nabla L(\\theta)`, with the shape of ``theta``."""
        theta = self._points(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            return _overflow_check(self._grad(theta), "gradient", self.name)

    def _loss_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """``(self(theta), self.grad(theta))`` at one point that is checked already.

        For :func:`gdcore.descent.descend`, which has checked ``theta`` (finite
        float64 of shape ``(dim,)``) and silenced overflow warnings: the same
        computations and overflow checks, without checking the point twice.
        """
        value = float(_overflow_check(self._value(theta), "loss", self.name))
        return value, _overflow_check(self._grad(theta), "gradient", self.name)

    def hessian(self, theta, h: float = 1e-5) -> np.ndarray:
        """The ``(d, d)`` Hessian at one point, by central differences of the gradient."""
        theta = as_finite_array(theta, "theta", ndim=1)
        h = check_positive(h, "h")
        self._points(theta)
        columns = []
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(self.dim):
                step = np.zeros(self.dim)
                step[i] = h
                columns.append((self.grad(theta + step) - self.grad(theta - step)) / (2 * h))
        hess = np.column_stack(columns)
        if not np.all(np.isfinite(hess)):
            raise ValueError(f"the Hessian at theta overflowed (the gradient near theta, h={h:g}, "
                             "is too large for float64).")
        return (hess + hess.T) / 2

    @property
    def min_value(self) -> float:
        """The loss at the (first) global minimum."""
        return self(self.minima[0])

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.name}>"

    # -- for subclasses ------------------------------------------------------------
    def _value(self, theta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _points(self, theta) -> np.ndarray:
        if not (type(theta) is np.ndarray and theta.dtype == np.float64 and np.isfinite(theta).all()):
            theta = as_finite_array(theta, "theta", allow_empty=True)  # refuses text, complex, NaN, inf
        if theta.ndim == 0 or theta.shape[-1] != self.dim:
            raise ValueError(f"{self.name} takes a point of shape ({self.dim},) or a grid of shape "
                             f"(..., {self.dim}); got shape {theta.shape}.")
        return theta


def _overflow_check(values, what: str, name: str):
    """``values``, unless overflow turned some into NaN (inf - inf): then an OverflowError.

    The points are finite, so NaN can only come from intermediate results beyond
    float64; an infinite value (a loss beyond the largest float) is returned as it is.
    """
    if (math.isnan(values) if type(values) is float or type(values) is np.float64 else np.isnan(values).any()):
        raise OverflowError(f"the {what} of {name} overflowed at a point far out (its terms exceed "
                            "the largest float, about 1.8e308, and cancel to NaN).")
    return values


def _xy(theta: np.ndarray):
    """The two coordinates of a point (as numpy scalars: fast) or of a grid (as arrays)."""
    if theta.ndim == 1:
        return theta[0], theta[1]
    return theta[..., 0], theta[..., 1]


def _stack(*components) -> np.ndarray:
    """Components back into one array: a point ``(d,)`` or a grid ``(..., d)``."""
    if np.ndim(components[0]) == 0:
        return np.array(components, dtype=float)
    return np.stack(components, axis=-1)


class Quadratic(Objective):
    r"""The quadratic bowl :math:`L(\theta) = \tfrac12 \theta^\top A \theta - b^\top \theta + c`.

    ``A`` is a symmetric positive definite ``(d, d)`` matrix, ``b`` a vector
    (zero by default), and the constant :math:`c = \tfrac12 b^\top \theta^*`
    makes the minimum value 0, so that loss curves can use a log scale. Then

    .. math::
        \nabla L(\theta) = A\theta - b, \qquad \theta^* = A^{-1} b, \qquad
        L(\theta) = \tfrac12 (\theta - \theta^*)^\top A (\theta - \theta^*).

    The Hessian is ``A`` everywhere; its smallest and largest eigenvalues
    :math:`\lambda_{\min}` (:attr:`mu`) and :math:`\lambda_{\max}` (:attr:`L`)
    decide everything gradient descent does here: it converges for learning
    rates :math:`0 < \alpha < 2/\lambda_{\max}` (:attr:`stability_limit`), the
    best fixed rate is :math:`2/(\lambda_{\max} + \lambda_{\min})`
    (:attr:`best_lr`), and the error then shrinks per step by at least
    :math:`(\kappa - 1)/(\kappa + 1)` with
    :math:`\kappa = \lambda_{\max}/\lambda_{\min}` (:attr:`condition_number`).
    """

    def __init__(self, A, b=None, *, name: str | None = None, xlim=None, ylim=None):
        A = as_finite_array(A, "A", ndim=2)
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix; got shape {A.shape}.")
        if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12):
            raise ValueError("A must be symmetric (A == A.T); use (A + A.T) / 2 for the same quadratic.")
        self.dim = A.shape[0]
        self.A = (A + A.T) / 2
        self.eigenvalues = np.linalg.eigvalsh(self.A)  # ascending
        if self.eigenvalues[0] <= 0:
            raise ValueError(
                "A must be positive definite (all eigenvalues > 0) for the bowl to have a minimum; "
                f"its eigenvalues are {np.round(self.eigenvalues, 6).tolist()}. "
                "For a saddle use objectives.Saddle.")
        self.b = np.zeros(self.dim) if b is None else as_finite_array(b, "b", ndim=1)
        if self.b.shape != (self.dim,):
            raise ValueError(f"b must have shape ({self.dim},) to match A; got {self.b.shape}.")
        with np.errstate(over="ignore", invalid="ignore"):
            minimum = np.linalg.solve(self.A, self.b)
            self.c = 0.5 * float(self.b @ minimum)
        if not (np.all(np.isfinite(minimum)) and np.isfinite(self.c)):
            raise ValueError("A and b are too far apart in size: the minimum A^-1 b or its loss overflows float64.")
        self.name = name or f"quadratic (condition number {self.condition_number:.3g})"
        if xlim is None or ylim is None:
            # A square window that shows the bowl around its minimum.
            half = 3.0
            xlim = xlim or (minimum[0] - half, minimum[0] + half)
            ylim = ylim or ((minimum[1] - half, minimum[1] + half) if self.dim > 1 else (0.0, 1.0))
        super().__init__(minimum, xlim, ylim)

    @classmethod
    def from_eigenvalues(cls, eigenvalues, angle: float = 0.0, minimum=None, **kwargs) -> "Quadratic":
        """A 2-D bowl with the given curvatures, its axes turned by ``angle`` degrees.

        >>> bowl = Quadratic.from_eigenvalues([1.0, 10.0], angle=30, minimum=[1, 1])
        >>> round(bowl.condition_number, 6), bowl.minima[0].round(6).tolist()
        (10.0, [1.0, 1.0])
        """
        eigenvalues = as_finite_array(eigenvalues, "eigenvalues", ndim=1)
        if eigenvalues.shape != (2,):
            raise ValueError(f"eigenvalues must be two numbers (a 2-D bowl); got shape {eigenvalues.shape}.")
        t = np.deg2rad(as_real(angle, "angle", finite=True))
        Q = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        A = Q @ np.diag(eigenvalues) @ Q.T
        center = np.zeros(2) if minimum is None else as_finite_array(minimum, "minimum", ndim=1)
        return cls(A, A @ center, **kwargs)

    @property
    def hessian_matrix(self) -> np.ndarray:
        return self.A

    def hessian(self, theta=None, h: float = 1e-5) -> np.ndarray:
        """The Hessian, ``A`` (the same at every point)."""
        return self.A.copy()

    @property
    def lambda_max(self) -> float:
        """The largest curvature :math:`\\lambda_{\\max}(A)` (the gradient's Lipschitz constant)."""
        return float(self.eigenvalues[-1])

    @property
    def lambda_min(self) -> float:
        """The smallest curvature :math:`\\lambda_{\\min}(A)`."""
        return float(self.eigenvalues[0])

    @property
    def condition_number(self) -> float:
        r""":math:`\kappa = \lambda_{\max} / \lambda_{\min}`."""
        return self.lambda_max / self.lambda_min

    @property
    def stability_limit(self) -> float:
        """:math:`2/\\lambda_{\\max}`: gradient descent converges from every start exactly when lr < 2/λ_max."""
        return 2.0 / self.lambda_max

    @property
    def best_lr(self) -> float:
        """:math:`2/(\\lambda_{\\max} + \\lambda_{\\min})`, the fixed learning rate with the fastest
        worst-case contraction."""
        return 2.0 / (self.lambda_max + self.lambda_min)

    def contraction(self, lr: float) -> float:
        r"""The worst-case factor :math:`\max_i |1 - \alpha\lambda_i|` by which one step shrinks the error.

        Gradient descent maps the error :math:`e = \theta - \theta^*` to
        :math:`(I - \alpha A)\,e`; below 1 it converges, above 1 it diverges.
        """
        lr = check_positive(lr, "lr")
        return float(np.max(np.abs(1.0 - lr * self.eigenvalues)))

    def _value(self, theta):
        if theta.ndim == 1:  # one point: a single dot product (the common case, kept fast)
            return (0.5 * (self.A @ theta) - self.b) @ theta + self.c
        return np.sum((0.5 * (theta @ self.A) - self.b) * theta, axis=-1) + self.c

    def _grad(self, theta):
        return theta @ self.A - self.b  # A is symmetric, so theta @ A == A @ theta


class LineFit(Quadratic):
    r"""The mean squared error of the line :math:`\hat y = w x + b` on data ``(x, y)``.

    The parameters are :math:`\theta = (w, b)`, slope and intercept:

    .. math::
        L(w, b) = \frac1n \sum_{i=1}^n (w x_i + b - y_i)^2, \qquad
        \nabla L = \frac2n \sum_{i=1}^n (w x_i + b - y_i) \begin{pmatrix} x_i \\ 1 \end{pmatrix}.

    This is Data -> Model(theta) -> Loss with real data behind it. It is also a
    quadratic in :math:`(w, b)`, with Hessian :math:`\frac2n \Phi^\top\Phi`
    (:math:`\Phi` has rows :math:`(x_i, 1)`), so everything :class:`Quadratic`
    knows (curvatures, condition number, 2/L) applies to it. Note: the constant
    ``c`` is not zero here; the minimum value is the MSE of the best line.
    """

    labels = ("slope $w$", "intercept $b$")

    def __init__(self, x, y, *, name: str = "least-squares line fit", xlim=None, ylim=None):
        x = as_finite_array(x, "x", ndim=1)
        y = as_finite_array(y, "y", ndim=1)
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same length; got {x.size} and {y.size}.")
        if x.size < 2 or np.ptp(x) == 0:
            raise ValueError("a line needs at least two different x values to be fitted.")
        self.x, self.y = x, y
        n = x.size
        design = np.column_stack([x, np.ones(n)])  # the rows (x_i, 1)
        self._design = design
        super().__init__(2.0 / n * design.T @ design, 2.0 / n * design.T @ y, name=name,
                         xlim=(0.0, 1.0), ylim=(0.0, 1.0))
        self.c = float(np.mean(y ** 2))  # the MSE at w = b = 0 (the form above has L(0) = c)
        w, b = self.minima[0]
        # A window that shows the valley around the best line.
        self.xlim = xlim or (w - 3.0, w + 3.0)
        self.ylim = ylim or (b - 4.0, b + 4.0)

    @classmethod
    def example(cls, n: int = 30, seed=0, **kwargs) -> "LineFit":
        """A small synthetic data set: ``y = 2x + 1`` plus noise, ``x`` in [0, 3].

        Think of ``x`` as hours of practice and ``y`` as a test score in points.
        """
        n = check_int(n, "n", minimum=2, maximum=10**7)
        rng = as_generator(seed)
        x = np.sort(rng.uniform(0.0, 3.0, n))
        y = 2.0 * x + 1.0 + rng.normal(0.0, 0.5, n)
        return cls(np.round(x, 3), np.round(y, 3), **kwargs)

    def predict(self, theta, x=None) -> np.ndarray:
        """The line's predictions :math:`w x + b` (at the data's ``x`` by default)."""
        w, b = as_finite_array(theta, "theta", ndim=1)
        return w * (self.x if x is None else np.asarray(x, dtype=float)) + b

    def residuals(self, theta) -> np.ndarray:
        return self.predict(theta) - self.y

    def _residuals(self, theta):
        """w x_i + b - y_i for every data point, at one theta (n,) or a grid of them (..., n)."""
        if theta.ndim == 1:
            return theta[0] * self.x + theta[1] - self.y
        return theta[..., :1] * self.x + theta[..., 1:] - self.y

    def _value(self, theta):
        r = self._residuals(theta)
        return np.mean(r * r, axis=-1)

    def _grad(self, theta):
        return (2.0 / self.x.size) * (self._residuals(theta) @ self._design)  # (2/n) sum_i r_i (x_i, 1)


class Rosenbrock(Objective):
    r"""Rosenbrock's banana valley :math:`L(x, y) = (a - x)^2 + b\,(y - x^2)^2`.

    The minimum :math:`(a, a^2)` lies in a long, curved, flat-bottomed valley:
    easy to find, slow to follow (Rosenbrock, 1960).
    """

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a = as_real(a, "a", finite=True)
        if abs(self.a) > 1e150:
            raise ValueError(f"a must be at most 1e150 in size (the minimum (a, a**2) must be a float); got {a!r}.")
        self.b = check_positive(b, "b")
        self.name = "Rosenbrock" if (self.a, self.b) == (1.0, 100.0) else f"Rosenbrock (a={a}, b={b})"
        super().__init__([self.a, self.a ** 2], (-2.0, 2.0), (-1.0, 3.0))

    def _value(self, theta):
        x, y = _xy(theta)
        return (self.a - x) ** 2 + self.b * (y - x ** 2) ** 2

    def _grad(self, theta):
        x, y = _xy(theta)
        return _stack(-2 * (self.a - x) - 4 * self.b * x * (y - x ** 2), 2 * self.b * (y - x ** 2))


class Himmelblau(Objective):
    r"""Himmelblau's function :math:`L(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    Four global minima (all with :math:`L = 0`), one local maximum and four
    saddle points between them: which minimum gradient descent finds depends
    on where it starts.
    """

    name = "Himmelblau"

    def __init__(self):
        minima = [[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
                  [-3.779310253377747, -3.283185991286170], [3.584428340330492, -1.848126526964404]]
        saddles = [[0.086677504555396, 2.884254701174776], [-3.073025750764390, -0.081353044287968],
                   [3.385154183607021, 0.073851879837749], [-0.127961346730680, -1.953714980244577]]
        self.local_maximum = np.array([-0.270844590667348, -0.923038556479981])
        super().__init__(minima, (-5.0, 5.0), (-5.0, 5.0), saddles=saddles)

    def _value(self, theta):
        x, y = _xy(theta)
        return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2

    def _grad(self, theta):
        x, y = _xy(theta)
        u, v = x ** 2 + y - 11, x + y ** 2 - 7
        return _stack(4 * x * u + 2 * v, 2 * u + 4 * y * v)


class Beale(Objective):
    r"""Beale's function :math:`\sum_{k=1}^{3} (c_k - x + x y^k)^2`, :math:`c = (1.5, 2.25, 2.625)`.

    One minimum, :math:`(3, 0.5)`, at the end of a narrow curved valley, with
    flat plateaus and steep walls elsewhere.
    """

    name = "Beale"
    _c = (1.5, 2.25, 2.625)

    def __init__(self):
        super().__init__([3.0, 0.5], (-4.5, 4.5), (-4.5, 4.5))

    def _value(self, theta):
        x, y = _xy(theta)
        return sum((c - x + x * y ** k) ** 2 for k, c in enumerate(self._c, start=1))

    def _grad(self, theta):
        x, y = _xy(theta)
        gx = gy = 0.0
        for k, c in enumerate(self._c, start=1):
            r = c - x + x * y ** k
            gx = gx + 2 * r * (y ** k - 1)
            gy = gy + 2 * r * k * x * y ** (k - 1)
        return _stack(gx, gy)


class Saddle(Objective):
    r"""A saddle between two valleys: :math:`L(x, y) = x^2 + \tfrac14 (y^2 - 1)^2`.

    The origin is a saddle point (the gradient vanishes; the Hessian
    :math:`\mathrm{diag}(2, -1)` curves up along :math:`x` and down along
    :math:`y`), and the two minima :math:`(0, \pm 1)` have :math:`L = 0`.
    Unlike :math:`x^2 - y^2` the function is bounded below, so a run that
    escapes the saddle ends in a valley instead of running off to
    :math:`-\infty`.
    """

    name = "saddle"

    def __init__(self):
        super().__init__([[0.0, 1.0], [0.0, -1.0]], (-1.5, 1.5), (-1.8, 1.8), saddles=[[0.0, 0.0]])

    def _value(self, theta):
        x, y = _xy(theta)
        return x ** 2 + 0.25 * (y ** 2 - 1) ** 2

    def _grad(self, theta):
        x, y = _xy(theta)
        return _stack(2 * x, y * (y ** 2 - 1))


#: The landscapes by name (what the widgets' dropdowns offer).
def landscapes() -> dict[str, Objective]:
    """A fresh instance of each named 2-D landscape, keyed by a short name."""
    return {
        "bowl": Quadratic.from_eigenvalues([1.0, 4.0], angle=30.0, name="round bowl (condition number 4)"),
        "elongated bowl": Quadratic.from_eigenvalues([0.5, 10.0], angle=30.0,
                                                     name="elongated bowl (condition number 20)"),
        "line fit": LineFit.example(),
        "Rosenbrock": Rosenbrock(),
        "Himmelblau": Himmelblau(),
        "Beale": Beale(),
        "saddle": Saddle(),
    }
