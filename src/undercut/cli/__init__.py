"""The ``undercut`` command line: thin wrappers that parse, call and map errors to exits."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; the one place errors become exit codes.

    Usage errors are reported by the CLI framework itself (exit 2); ``InputError`` exits 2,
    any other ``UndercutError`` exits 1, always as one line on stderr.
    """
    from undercut.cli.app import app
    from undercut.cli.common import err_console
    from undercut.errors import InputError, UndercutError

    try:
        app(args=argv, prog_name="undercut")
    except UndercutError as exc:
        message = " ".join(str(exc).split("\n")[:1])
        err_console().print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        return EXIT_USAGE if isinstance(exc, InputError) else EXIT_RUNTIME
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
