"""Passphrases and passwords for scripted use: from an environment variable or
stdin, never from an argument (arguments show in `ps` and shell history)."""

import getpass
import os
import sys

from fieldapp.errors import FieldAppError


class NoSecretGiven(FieldAppError):
    """No passphrase given: set the environment variable or type it on standard input."""


def read_secret(env_var: str, prompt: str) -> str:
    """The secret from `env_var`, else a prompt on a terminal, else the first line of stdin.

    When stdin also carries data (`record --json -`), the first line is the secret
    and the rest is left for the caller.
    """
    value = os.environ.get(env_var)
    if value is None:
        value = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise NoSecretGiven(f"no passphrase given: set {env_var} or type it on standard input")
    return value
