"""`python -m undercut` runs the same CLI as the `undercut` console script."""

from undercut.cli import run

run()
