"""`python -m foi` runs the CLI."""

from foi.cli import main

main()
