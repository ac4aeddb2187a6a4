"""The CLI refuses files that are not books, without touching them, and never goes online."""

import socket
import sqlite3

import pytest

from csdesk.cli import main


@pytest.mark.parametrize("command", [["score"], ["today"], ["note", "x", "hi"],
                                     ["import", "/nonexistent"]])
def test_a_text_file_is_refused_with_exit_2(tmp_path, capsys, command):
    path = tmp_path / "notes.txt"
    path.write_text("not a database " * 200)
    before = path.read_bytes()
    assert main(["--db", str(path), *command]) == 2
    assert "not a csdesk book" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_another_programs_database_is_refused(tmp_path, capsys):
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert main(["--db", str(path), "today"]) == 2
    assert "another program" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_bad_config_is_refused_naming_the_key(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text("[weights]\nusage = 40\n")
    assert main(["--db", str(tmp_path / "b.db"), "--config", str(config), "score"]) == 2
    assert "weights" in capsys.readouterr().err
    config.write_text("[bands]\ngreen = 'high'\n")
    assert main(["--db", str(tmp_path / "b.db"), "--config", str(config), "score"]) == 2
    assert "bands.green" in capsys.readouterr().err
    config.write_text("[wieghts]\nusage = 35\n")
    assert main(["--db", str(tmp_path / "b.db"), "--config", str(config), "score"]) == 2
    assert "wieghts: unknown key" in capsys.readouterr().err


def test_no_command_touches_the_network(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise AssertionError("csdesk tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    db = str(tmp_path / "book.db")
    as_of = ["--db", db, "--as-of", "2026-11-23"]
    assert main([*as_of, "demo", "--accounts", "12"]) == 0
    for command in (["score", "--json"], ["today"], ["export", str(tmp_path / "book.json")],
                    ["metrics", "--json"], ["calibrate"]):
        assert main([*as_of, *command]) == 0, command
    capsys.readouterr()


def test_an_older_book_is_upgraded_once_saying_so_on_stderr(tmp_path, capsys):
    from tests.store.test_schema import version_1_book

    path = tmp_path / "book.db"
    old = version_1_book(path)
    old.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    old.close()
    assert main(["--db", str(path), "--as-of", "2026-11-23", "today", "--json"]) == 0
    out, err = capsys.readouterr()
    assert f"Upgrading {path} from schema version 1 to 3" in err
    assert out.startswith("{")  # stdout stays the JSON alone
    assert len(list(tmp_path.glob("book.db.v1-*.bak"))) == 1
    assert main(["--db", str(path), "--as-of", "2026-11-23", "today", "--json"]) == 0
    assert "Upgrading" not in capsys.readouterr().err
    from csdesk.store.schema import open_book

    said = []
    open_book(tmp_path / "new.db", upgrading=lambda *a: said.append(a)).conn.close()
    assert said == []  # a new book is made, not upgraded
