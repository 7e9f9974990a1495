"""Inserting many rows of one table fast, without the ORM: the demo's synthetic population and
the benchmarks that build on it. Not for the application's own writes (those go through the
session, so the access log and the summary follow them).

On PostgreSQL the rows go in with psycopg's ``COPY``; on SQLite with one executemany on the
driver's cursor, each column converted by its type's bind processor (dates as SQLAlchemy stores
them)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, SQLModel


def bulk_insert(db: Session, model: type[SQLModel], rows: list[dict]) -> None:
    """Insert many rows of one table fast (synthetic data, benchmarks), without the ORM.

    Every row has the same keys. On PostgreSQL the rows go in with ``COPY`` (columns left out
    get their model default, as with an INSERT); elsewhere with one executemany."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    connection = db.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        _sqlite_bulk_insert(connection, table, rows)
        return
    if dialect != "postgresql":
        connection.execute(table.insert(), rows)
        return
    names = list(rows[0])
    defaults = _defaults(table, names)
    columns = ", ".join(f'"{name}"' for name in [*names, *defaults])
    fill = list(defaults.values())
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[name] for name in names] + fill)


def _defaults(table, given: list[str]) -> dict:
    """The model defaults of the columns the rows leave out (as an INSERT would fill them)."""
    defaults = {}
    for column in table.columns:
        if column.name in given or column.primary_key or column.default is None:
            continue
        default = column.default
        defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    return defaults


def bulk_insert_ids(db: Session, model: type[SQLModel], rows: list[dict]) -> list[int]:
    """Insert many rows of one table without the ORM; returns their ids in the rows' order."""
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        # Take the ids from the table's sequence, then COPY the rows with them.
        ids = list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": f'"{table.name}"', "count": len(rows)},
            ).scalars()
        )
        bulk_insert(db, model, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
        return ids
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars())


def _sqlite_bulk_insert(connection, table, rows: list[dict]) -> None:
    """One executemany on the driver's cursor."""
    names = list(rows[0])
    defaults = _defaults(table, names)
    columns = [*names, *defaults]
    # Column by column: each column's own bind processor (dates as SQLAlchemy stores them),
    # applied once per distinct value.
    values: list[list] = [[row[name] for row in rows] for name in names]
    values += [[value] * len(rows) for value in defaults.values()]
    for position, name in enumerate(columns):
        processor = table.c[name].type.bind_processor(connection.dialect)
        if processor is None:
            continue
        memo: dict = {}
        column = values[position]
        for index, value in enumerate(column):
            if value is None:
                continue
            try:
                found = memo.get(value)
            except TypeError:  # unhashable: convert every time
                column[index] = processor(value)
                continue
            if found is None:
                found = memo[value] = processor(value)
            column[index] = found
    marks = ", ".join("?" for _ in columns)
    quoted = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', zip(*values, strict=True)
        )
    finally:
        cursor.close()
