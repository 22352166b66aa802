"""The ``undercut`` command line: thin wrappers that parse, call and map errors to exits."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe_failure(exc: Exception) -> str | None:
    """One line for a failure of the warehouse (DuckDB) or the app database (SQLAlchemy)
    that no undercut code turned into an ``UndercutError``; ``None`` for anything else."""
    import duckdb
    import sqlalchemy as sa

    from undercut.warehouse.db import describe_duckdb_error

    if isinstance(exc, duckdb.Error):
        return describe_duckdb_error(exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        from undercut.config import get_settings

        url = sa.engine.make_url(get_settings().app_database_url)
        shown = url.render_as_string(hide_password=True)
        reason = _one_line(getattr(exc, "orig", None) or exc)
        if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
            return f"app database {shown} cannot be reached ({reason})"
        return f"app database {shown}: {reason}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; the one place errors become exit codes.

    Usage errors are reported by the CLI framework itself (exit 2); ``InputError`` exits 2,
    any other ``UndercutError`` exits 1, always as one line on stderr; so does a failure
    of the warehouse or app database that reached here unconverted (a file locked by
    another process, a database that cannot be reached).
    """
    from undercut.cli.app import app
    from undercut.cli.common import err_console
    from undercut.errors import InputError, UndercutError

    def report(message: str) -> None:
        from rich.markup import escape

        # Escaped: a message may hold brackets (``pip install 'undercut[gcs]'``).
        err_console().print(
            f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True
        )

    try:
        app(args=argv, prog_name="undercut")
    except UndercutError as exc:
        report(_one_line(exc))
        return EXIT_USAGE if isinstance(exc, InputError) else EXIT_RUNTIME
    except Exception as exc:
        message = describe_failure(exc)
        if message is None:
            raise
        report(message)
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        err_console().print("interrupted; nothing half-written was kept")
        return 130
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return int(exc.code or 0)
        return EXIT_RUNTIME
    return EXIT_OK


def run() -> None:
    """Console-script shim."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
