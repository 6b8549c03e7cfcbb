"""`madadgar chat` in a second terminal finds the running helpline's REST token by itself."""

from __future__ import annotations

import io
import os
import stat

import pytest

from bot.channels.rest import VaultedRestInput
from bot.cli import chat
from bot.cli.run import demo_environment
from bot.core.settings import reset_settings
from tests.channels.conftest import assistant, channel_env, live  # noqa: F401

RUN_TOKEN = "run-token-" + "x7" * 20


@pytest.fixture()
def token_file(tmp_path, monkeypatch):
    path = tmp_path / "var" / "rest-channel.token"
    monkeypatch.setattr(chat, "TOKEN_FILE", path)
    return path


@pytest.fixture()
def running(channel_env, live, monkeypatch):  # noqa: F811
    """A REST channel that, like `make run`, takes only its run's own token."""
    monkeypatch.setenv("REST_CHANNEL_TOKEN", RUN_TOKEN)
    reset_settings()
    server = live([VaultedRestInput()])
    # The second terminal: none of the run's environment.
    monkeypatch.delenv("REST_CHANNEL_TOKEN")
    reset_settings()
    return server


def second_terminal(server, monkeypatch, capsys, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("salam\n/quit\n"))
    assert chat.main(["--url", server.url, *args]) == 0
    return capsys.readouterr().out


def test_the_token_file_is_readable_by_its_user_only(token_file):
    chat.publish_token(RUN_TOKEN)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert chat.published_token() == RUN_TOKEN


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o606])
def test_a_token_file_others_may_read_is_not_trusted(token_file, mode):
    chat.publish_token(RUN_TOKEN)
    os.chmod(token_file, mode)
    assert chat.published_token() is None


def test_a_symlink_is_not_followed(token_file, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text(RUN_TOKEN)
    os.chmod(elsewhere, 0o600)
    token_file.parent.mkdir(parents=True)
    token_file.symlink_to(elsewhere)
    assert chat.published_token() is None


def test_a_second_terminal_chats_with_the_token_make_run_left(
    running, token_file, monkeypatch, capsys
):
    chat.publish_token(RUN_TOKEN)
    out = second_terminal(running, monkeypatch, capsys)
    assert "madadgar> echo: salam" in out
    assert "refused" not in out


def test_without_the_token_the_refusal_says_what_to_do(running, token_file, monkeypatch, capsys):
    out = second_terminal(running, monkeypatch, capsys)
    assert "HTTP Error 401" not in out
    assert "refused this chat" in out
    assert "while `make run` is running" in out
    assert "madadgar chat --token TOKEN" in out


def test_an_explicit_token_still_wins(running, token_file, monkeypatch, capsys):
    chat.publish_token("a-stale-token-from-an-earlier-run-0000000")
    out = second_terminal(running, monkeypatch, capsys, "--token", RUN_TOKEN)
    assert "madadgar> echo: salam" in out


def test_make_run_keeps_a_token_given_in_the_environment(monkeypatch):
    monkeypatch.setenv("REST_CHANNEL_TOKEN", RUN_TOKEN)
    assert demo_environment()["REST_CHANNEL_TOKEN"] == RUN_TOKEN
    monkeypatch.delenv("REST_CHANNEL_TOKEN")
    fresh = demo_environment()["REST_CHANNEL_TOKEN"]
    assert fresh != RUN_TOKEN and len(fresh) >= 32


def test_the_run_withdraws_only_its_own_token(token_file):
    chat.publish_token(RUN_TOKEN)
    chat.withdraw_token("another-run")
    assert token_file.exists()
    chat.withdraw_token(RUN_TOKEN)
    assert not token_file.exists()
