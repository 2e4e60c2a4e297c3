"""Output folders are replaced in one step: never half-written, never mixed."""

from __future__ import annotations

import threading
from pathlib import Path

from newsletter.delivery.output_folder import write_folder


def test_first_write_and_replacement(tmp_path: Path) -> None:
    target = tmp_path / "out" / "issue"
    write_folder(target, {"index.html": b"one", "images/a.jpg": b"A"})
    assert (target / "index.html").read_bytes() == b"one"
    write_folder(target, {"index.html": b"two"})
    assert sorted(p.name for p in target.rglob("*")) == ["index.html"], "old files linger"
    assert (target / "index.html").read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["issue"], "temp folders linger"


def test_concurrent_writers_leave_one_complete_output(tmp_path: Path) -> None:
    target = tmp_path / "issue"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for _ in range(20):
                write_folder(target, {"index.html": f"{n}".encode(), "index.txt": f"{n}".encode()})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    html = (target / "index.html").read_bytes()
    assert (target / "index.txt").read_bytes() == html, "files from two builds mixed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue"]
