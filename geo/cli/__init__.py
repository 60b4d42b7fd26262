"""Command-line commands, one module per command, dispatched by :mod:`geo.__main__`."""
