"""The version of the ``kg`` package (also ``kg.__version__``)."""

__version__ = "0.1.0"
