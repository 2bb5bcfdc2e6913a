"""``hotline-desk server``: init-demo (第三条: the demo centre 合肥市12345热线), migrate,
and running the server as a real process on loopback, with its log file (第三十五条:
the server's own record of what happened, uvicorn's lines included)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from platform_kit import ServerProcess

from hotline_desk import logsetup
from hotline_desk.cli import main
from hotline_desk.paths import resource
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.kb_files import read_kb_file
from hotline_desk.storage.migrations import current_version, latest_version
from hotline_desk.storage.server import kb_entries
from hotline_desk.storage.server.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


def _seed(folder: Path) -> Path:
    folder.mkdir()
    entry = {"id": "KB-CLI-1", "title": "合肥市居住证办理", "answer": "携带身份证到派出所办理。",
             "review_state": "published"}
    (folder / "one.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return folder


def _server_log(data_dir: Path) -> str:
    return (data_dir / "logs" / logsetup.SERVER_LOG_FILE_NAME).read_text(encoding="utf-8")


def test_init_demo_then_run_the_server_and_log_in(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(logsetup.LOG_DIR_ENV, raising=False)  # the log goes to DIR/logs
    data = tmp_path / "data"
    seed = _seed(tmp_path / "seed")
    assert main(["server", "init-demo", "--data-dir", str(data), "--seed-dir", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "合肥市12345政务服务便民热线" in out and DEMO_PASSWORD in out
    assert all(account.username in out for account in DEMO_ACCOUNTS)
    assert main(["server", "init-demo", "--data-dir", str(data), "--seed-dir", str(seed)]) == 0
    assert "无（均已存在）" in capsys.readouterr().out
    with ServerProcess("--data-dir", str(data)) as server, httpx.Client(timeout=30) as http:
        assert server.url.startswith("http://127.0.0.1:")  # loopback unless told otherwise
        health = http.get(f"{server.url}/api/v1/health").json()
        assert health["centre"] == "合肥市12345政务服务便民热线"
        assert health["database"] == "sqlite"
        login = http.post(f"{server.url}/api/v1/auth/login",
                          json={"username": "operator1", "password": DEMO_PASSWORD})
        assert login.status_code == 200
        token = {"Authorization": f"Bearer {login.json()['token']}"}
        feed = http.get(f"{server.url}/api/v1/kb/changes", headers=token).json()
        assert [c["id"] for c in feed["items"]] == ["KB-CLI-1"]
    # uvicorn's own start-up and shutdown lines are in the server's log file; the
    # requests are not (no --access-log).
    log = _server_log(data)
    for line in ("Started server process", "Application startup complete",
                 f"Uvicorn running on {server.url}", "Shutting down",
                 "Finished server process"):
        assert f"uvicorn.error: {line}" in log, line
    assert "/api/v1/health" not in log and "uvicorn.access" not in log


def test_init_demo_loads_the_bundled_seed_knowledge_base(tmp_path, capsys):
    """Whatever ``resources/kb/seed/*.jsonl`` holds is loaded (第二十九条 知识库)."""
    files = sorted(resource("kb", "seed").glob("*.jsonl"))
    expected = {entry.id for file in files for entry in read_kb_file(file)}
    assert main(["server", "init-demo", "--data-dir", str(tmp_path)]) == 0
    db = open_database(f"sqlite:///{tmp_path / 'server.db'}")
    with read_transaction(db):
        assert {entry.id for entry in kb_entries.export_entries(db)} == expected
    close_database(db)
    assert str(len(expected)) in capsys.readouterr().out


def test_migrate_on_both_backends(empty_database_url, capsys):
    assert main(["server", "migrate", "--database", empty_database_url]) == 0
    assert f"数据库结构版本 {latest_version()}" in capsys.readouterr().out
    db = open_database(empty_database_url)
    assert current_version(db) == latest_version()
    close_database(db)


def test_bad_options_are_refused_in_chinese(tmp_path, capsys):
    assert main(["server", "migrate", "--database", "mysql://x/y"]) == 1
    assert "错误：" in capsys.readouterr().err
    assert main(["server", "--data-dir", str(tmp_path), "--certfile", "c.pem"]) == 2
    assert "--keyfile" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["server", "--port", "not-a-port"])


def test_a_bad_seed_is_reported_and_changes_nothing(tmp_path, capsys):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "bad.jsonl").write_text('{"id": "KB-1", "title": ""}\n', encoding="utf-8")
    assert main(["server", "init-demo", "--data-dir", str(tmp_path / "d"),
                 "--seed-dir", str(seed)]) == 1
    err = capsys.readouterr().err
    assert "错误：" in err and "bad.jsonl" in err


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (cryptography comes with keyring's SecretStorage)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def test_the_server_speaks_tls_when_given_a_certificate(tmp_path, monkeypatch):
    """第三十五条 网络安全: off loopback the server runs behind TLS; with --access-log
    every request is in the log file too."""
    import ssl

    monkeypatch.delenv(logsetup.LOG_DIR_ENV, raising=False)
    certfile, keyfile = _self_signed(tmp_path)
    with ServerProcess("--data-dir", str(tmp_path), "--certfile", str(certfile),
                       "--keyfile", str(keyfile), "--access-log") as server:
        assert server.url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context(cafile=str(certfile))
        with httpx.Client(verify=trust, timeout=30) as http:
            assert http.get(f"{server.url}/api/v1/health").json()["status"] == "ok"
    log = _server_log(tmp_path)
    assert f"Uvicorn running on {server.url}" in log
    assert 'uvicorn.access: 127.0.0.1:' in log and '"GET /api/v1/health HTTP/1.1" 200' in log
