"""foi: a Freedom of Information request manager for campaigns."""

__version__ = "0.1.0"
