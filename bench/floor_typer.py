"""Floor for `foi --help`: a bare Typer app with as many commands as foi (24), nothing else.

Run:  python bench/floor_typer.py --help
"""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, rich_markup_mode=None, no_args_is_help=True)


def _make(i: int) -> None:
    def command(flag: bool = typer.Option(False, "--flag", help="A flag.")) -> None:
        typer.echo(f"command {i} {flag}")

    command.__doc__ = f"Command number {i}: one line of help."
    app.command(f"command-{i:02d}")(command)


for _i in range(24):
    _make(_i)

if __name__ == "__main__":
    app()
