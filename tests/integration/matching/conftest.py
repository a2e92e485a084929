"""Small populations for matching tests: real DuckDB and real Splink, no Neo4j."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen"]  # fmt: skip
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin"]  # fmt: skip
NICK = {"Robert": "Bob", "William": "Bill", "James": "Jim", "Elizabeth": "Liz", "Michael": "Mike"}


def _write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, set[tuple[str, str]]]:
    """left.csv and right.csv share 15 people (some with nicknames or a missing phone);
    right_min.csv holds the same right records with only names and DOB."""
    folder = tmp_path_factory.mktemp("planted")
    rng = random.Random(3)
    people = [
        {
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "dob": f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "zip": f"{rng.randint(10000, 99999)}",
            "phone": f"617{rng.randint(2000000, 9999999)}",
            "sex": rng.choice("MF"),
        }
        for _ in range(60)
    ]
    left = [{"record_id": f"L{i}", **p} for i, p in enumerate(people[:40])]
    right, pairs = [], set()
    for j, i in enumerate(range(25, 60)):
        person = dict(people[i])
        if i < 40:
            pairs.add((f"L{i}", f"R{j}"))
            if j % 3 == 0:
                person["first_name"] = NICK.get(person["first_name"], person["first_name"].upper())
            if j % 4 == 0:
                person["phone"] = ""
        right.append({"record_id": f"R{j}", **person})
    columns = ["record_id", "first_name", "last_name", "dob", "zip", "phone", "sex"]
    return (
        _write(folder / "left.csv", left, columns),
        _write(folder / "right.csv", right, columns),
        _write(folder / "right_min.csv", right, ["record_id", "first_name", "last_name", "dob"]),
        pairs,
    )
