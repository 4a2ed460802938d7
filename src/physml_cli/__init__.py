"""physml: machine learning for statistical and quantum physics."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("physml")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"
