"""``undercut users``: accounts for the API (admins trigger update, build and train)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from undercut.cli.common import HomeOption, err_console, settings_for

app = typer.Typer(help="Manage API accounts.", no_args_is_help=True)


class Role(StrEnum):
    admin = "admin"
    user = "user"


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Login name (1-64 printable characters).")],
    role: Annotated[
        Role, typer.Option("--role", help="admin may trigger jobs; user reads.")
    ] = Role.user,
    home: HomeOption = None,
) -> None:
    """Create an account. The password is read from stdin (first line) or prompted for.

    Examples: undercut users create ada --role admin
              echo "$PASSWORD" | undercut users create robot --role user
    """
    from undercut.api.security import hash_password
    from undercut.appdb import users
    from undercut.appdb.base import session_factory
    from undercut.appdb.migrate import upgrade
    from undercut.errors import InputError

    settings = settings_for(home)
    password = _read_password()
    if len(password) < 8:
        raise InputError("password: must be at least 8 characters")
    upgrade(settings)
    with session_factory(settings)() as session:
        user = users.create_user(session, name, hash_password(password), role.value)
    err_console().print(f"created {user.role} {user.name!r} (id {user.id})")
