__version__ = "0.1.0"

from .core.startup import install_thinc_torch_guard as _guard

_guard()  # spaCy's import would load all of PyTorch for nothing (~0.6 s a process): see core.startup
