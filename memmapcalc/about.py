"""The package's version, in a module of its own so that nothing imports the root package
(whose ``__getattr__`` lazily imports the API) to learn it.  ``[tool.hatch.version]``
reads it from here."""

__version__ = "0.1.0"
