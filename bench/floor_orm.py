"""Floor for a listing command: Typer + the SQLAlchemy ORM + one query over `requests`.

Run:  python bench/floor_orm.py DATABASE.db
"""

from __future__ import annotations

from datetime import date

import typer
from sqlalchemy import Date, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

app = typer.Typer(add_completion=False, rich_markup_mode=None)


class Base(DeclarativeBase):
    pass


class Request(Base):
    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date | None] = mapped_column(Date)


@app.command()
def main(path: str) -> None:
    """Print every request, one line each."""
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        for r in s.scalars(select(Request).order_by(Request.due_on, Request.reference)):
            typer.echo(f"{r.reference}\t{r.status}\t{r.due_on or ''}\t{r.title}")


if __name__ == "__main__":
    app()
