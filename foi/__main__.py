"""`python -m foi` runs the CLI."""

from foi.cli import main

if __name__ == "__main__":  # importing foi.__main__ (a tool walking the package) runs nothing
    main()
