"""Optimisers: how the parameters move once the gradients are known.

Taught in notebooks 04 (gradient descent), 05 (momentum, Adam) and 07.
Each optimiser updates the parameter arrays in place::

    optimizer.step(model.parameters(), model.gradients())
"""

import math

from nnlib.backend import get_array_module


class Optimizer:
    """Base class. Subclasses define ``_update(index, P, dP)``.

    Parameters
    ----------
    learning_rate : float
        Step size; ``learning_rate`` may be changed between steps, which
        is how a schedule works.
    weight_decay : float, default 0
        L2 penalty: adds weight_decay * W to the gradient of every weight
        matrix (parameters with two or more dimensions), never to biases.
    """

    def __init__(self, *, learning_rate, weight_decay=0.0):
        if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
            raise ValueError(
                f"{type(self).__name__}: expected a positive learning_rate, "
                f"got {learning_rate!r}."
            )
        if not (isinstance(weight_decay, (int, float)) and weight_decay >= 0):
            raise ValueError(
                f"{type(self).__name__}: expected weight_decay >= 0, got "
                f"{weight_decay!r}."
            )
        self.learning_rate = float(learning_rate)
        self.weight_decay = float(weight_decay)
        self.n_steps = 0
        self._shapes = None

    def step(self, parameters, gradients):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        parameters, gradients : list of ndarray
            As returned by ``model.parameters()`` and ``model.gradients()``
            after ``model.backward``.
        """
        shapes = [P.shape for P in parameters]
        if self._shapes is None:
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(
                f"{type(self).__name__}.step: the parameters changed shape "
                f"since the first step ({self._shapes} then {shapes}). "
                "help: use a new optimiser for a new model."
            )
        if len(gradients) != len(parameters):
            raise ValueError(
                f"{type(self).__name__}.step: expected one gradient per "
                f"parameter ({len(parameters)}), got {len(gradients)}."
            )
        self.n_steps += 1
        for index, (P, dP) in enumerate(zip(parameters, gradients)):
            if dP.shape != P.shape:
                raise ValueError(
                    f"{type(self).__name__}.step: gradient {index} has shape "
                    f"{dP.shape}, its parameter {P.shape}."
                )
            if self.weight_decay and P.ndim >= 2:
                dP = dP + self.weight_decay * P
            self._update(index, P, dP)

    def _update(self, index, P, dP):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class GradientDescent(Optimizer):
    """Plain gradient descent, P <- P - learning_rate * dP.

    The update of the original project.
    """

    def _update(self, index, P, dP):
        P -= self.learning_rate * dP


class Momentum(Optimizer):
    """Gradient descent with momentum.

    Notes
    -----
    V <- momentum * V + dP, then P <- P - learning_rate * V. The velocity
    V averages recent gradients, so steps grow along directions that
    agree and cancel along directions that oscillate.
    """

    def __init__(self, *, learning_rate, momentum=0.9, weight_decay=0.0):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError(f"Momentum: expected 0 <= momentum < 1, got {momentum!r}.")
        self.momentum = momentum
        self.velocities = {}

    def _update(self, index, P, dP):
        V = self.velocities.get(index)
        if V is None:
            V = self.velocities[index] = dP.copy()
        else:
            V *= self.momentum
            V += dP
        P -= self.learning_rate * V


class Adam(Optimizer):
    """Adam: momentum plus a per-parameter step size.

    Notes
    -----
    With t the step number::

        M <- beta1 * M + (1 - beta1) * dP        # mean of the gradient
        S <- beta2 * S + (1 - beta2) * dP**2     # mean of its square
        P <- P - lr_t * M / (sqrt(S) + eps_t)

    where lr_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)
    corrects the bias of M and S towards zero in the first steps, and
    eps_t = eps * sqrt(1 - beta2**t) keeps the result identical to the
    textbook form with eps added to the corrected sqrt(S).
    """

    def __init__(
        self,
        *,
        learning_rate=0.001,
        beta1=0.9,
        beta2=0.999,
        eps=1e-8,
        weight_decay=0.0,
    ):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= value < 1:
                raise ValueError(f"Adam: expected 0 <= {name} < 1, got {value!r}.")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.means = {}
        self.squares = {}

    def _update(self, index, P, dP):
        if index not in self.means:
            xp = get_array_module(P)
            self.means[index] = xp.zeros_like(P)
            self.squares[index] = xp.zeros_like(P)
        M, S = self.means[index], self.squares[index]
        M *= self.beta1
        M += (1 - self.beta1) * dP
        S *= self.beta2
        S += (1 - self.beta2) * dP * dP

        t = self.n_steps
        correction = math.sqrt(1 - self.beta2**t)
        step_size = self.learning_rate * correction / (1 - self.beta1**t)
        root = get_array_module(S).sqrt(S)
        root += self.eps * correction
        P -= step_size * M / root


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}
