"""The compiled engine, in the build this CPU runs best.

Two builds of the same C++ sources are installed: ``_engine_avx2`` (AVX2 and FMA) and
``_engine_generic`` (any CPU). PHYSML_ENGINE=generic forces the portable one. Both
produce the same Monte Carlo numbers; see docs/performance.md.
"""
import os as _os

from physml_cli import _engine_generic as _generic

_choice = _os.environ.get("PHYSML_ENGINE", "auto")
if _choice not in ("auto", "generic", "avx2"):
    raise ImportError(f"PHYSML_ENGINE={_choice!r}: expected auto, generic or avx2")
_impl = _generic
if _choice != "generic" and _generic.cpu_has_avx2():
    try:
        from physml_cli import _engine_avx2 as _impl  # noqa: F811
    except ImportError:  # built without it (non-x86 compiler): the generic build serves
        if _choice == "avx2":
            raise
elif _choice == "avx2":
    raise ImportError("PHYSML_ENGINE=avx2 but this CPU lacks AVX2/FMA")

globals().update({k: v for k, v in vars(_impl).items() if not k.startswith("__")})
__version__ = getattr(_impl, "__version__", "0.0.0")
del _os, _choice
