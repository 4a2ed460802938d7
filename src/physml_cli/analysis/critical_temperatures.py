"""Exact critical temperatures, where one is known, for the models physml simulates."""
from __future__ import annotations

import math
from typing import Any

# Onsager (1944): 2D square-lattice Ising, k T_c / |J| = 2 / ln(1 + sqrt 2).
ONSAGER = 2.0 / math.log(1.0 + math.sqrt(2.0))


def onsager_tc(J: float) -> float:
    """T_c of the square-lattice Ising model with coupling J; the antiferromagnet (J < 0) maps
    onto the ferromagnet on this bipartite lattice (flip one sublattice), so T_c depends on |J|."""
    return ONSAGER * abs(J)


def exact_tc(attrs: dict[str, Any]) -> float | None:
    """The exact T_c of a simulation's model (from its file attributes), or None."""
    J = float(attrs.get("J", 1.0))
    if attrs.get("lattice") != "square" or attrs.get("h") or J == 0:
        return None
    if attrs.get("model") == "ising":
        return onsager_tc(J)
    return None
