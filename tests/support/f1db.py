"""Small F1DB trees cut from the real one, for tests that break or extend it."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

DATA = Path("src") / "data"


def mini_tree(f1db_dir: Path, target: Path, races: list[str]) -> Path:
    """A writable F1DB repository at ``target`` holding every circuit and only ``races``
    (``"2023/01-bahrain"``), with the drivers and constructors those races name."""
    source = f1db_dir / DATA
    data = target / DATA
    shutil.copytree(source / "circuits", data / "circuits")
    drivers: set[str] = set()
    constructors: set[str] = set()
    for race in races:
        season, folder = race.split("/")
        here = data / "seasons" / season / "races" / folder
        shutil.copytree(source / "seasons" / season / "races" / folder, here)
        for path in here.glob("*-results.yml"):
            for entry in yaml.safe_load(path.read_text()) or []:
                drivers.add(entry["driverId"])
                constructors.add(entry["constructorId"])
    for folder, ids in (("drivers", drivers), ("constructors", constructors)):
        (data / folder).mkdir()
        for name in sorted(ids):
            shutil.copy(source / folder / f"{name}.yml", data / folder / f"{name}.yml")
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target
