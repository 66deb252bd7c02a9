"""Pseudonyms for record-level extracts: a keyed hash (HMAC-SHA256) in place of every identifier.

A shared record carries ``pseudonym(key, "person", person_key)`` instead of the person key, NHS number or name, so
the recipient can count and follow a person across the records (and quarters) of the share, while only the holder
of the key can link a pseudonym back to the warehouse (by hashing its own keys again). A keyed hash, not a plain
one: person keys and case ids come from small, guessable spaces, and an unkeyed hash of them is reversed by trying
them all.

The key is a secret of the deployment, never of the repository:

- in Airflow, the password of the connection :data:`KEY_CONNECTION` (``ascwh_share``), from whichever secrets
  backend the deployment configures (or ``AIRFLOW_CONN_ASCWH_SHARE``);
- for the ``ascwh share`` command only, when that connection is not defined, the environment variable
  :data:`KEY_ENV` (``ASCWH_SHARE_KEY``).

Without one, :func:`pseudonymisation_key` raises :class:`PseudonymisationKeyMissing`, which says where to set it.
Keep the key: a new key gives every person a new pseudonym, so earlier shares no longer link to later ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os

KEY_CONNECTION = "ascwh_share"  # Airflow connection whose password is the key
KEY_ENV = "ASCWH_SHARE_KEY"  # the command line's fallback
MIN_KEY_LENGTH = 32  # characters: a key shorter than this is refused
PSEUDONYM_LENGTH = 20  # hex characters kept of the digest (80 bits)


class PseudonymisationKeyMissing(RuntimeError):
    """No usable pseudonymisation key is configured."""


def pseudonymisation_key(*, allow_env: bool = False) -> bytes:
    """The key: the password of the Airflow connection ``ascwh_share``; with ``allow_env`` (the command line),
    else the environment variable ``ASCWH_SHARE_KEY``. Raises :class:`PseudonymisationKeyMissing` (never
    showing a key) when there is none or it is shorter than :data:`MIN_KEY_LENGTH` characters."""
    key, source = _connection_password(), f"the password of the Airflow connection '{KEY_CONNECTION}'"
    if not key and allow_env:
        key, source = os.environ.get(KEY_ENV), f"the environment variable {KEY_ENV}"
    if not key:
        fallback = f" (or, for the ascwh command line, the environment variable {KEY_ENV})" if allow_env else ""
        raise PseudonymisationKeyMissing(
            f"No pseudonymisation key: set the password of the Airflow connection '{KEY_CONNECTION}' in the "
            f"deployment's secrets backend{fallback}. Record-level extracts are not written without it; the key "
            "must never be kept in the repository."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymisationKeyMissing(
            f"The pseudonymisation key in {source} is too short: use at least {MIN_KEY_LENGTH} random characters."
        )
    return key.encode()


def _connection_password() -> str | None:
    """The password of the key connection, or None when the connection is not defined."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(KEY_CONNECTION).password
    except AirflowNotFoundException:
        return None


def pseudonym(key: bytes, domain: str, value: str) -> str:
    """The pseudonym of ``value`` (an identifier of kind ``domain``: person, concern, ...) under ``key``.

    The domain is hashed with the value, so a person and a case with the same id get different pseudonyms."""
    digest = hmac.new(key, f"{domain}\x1f{value}".encode(), hashlib.sha256).hexdigest()
    return f"{domain[:1].upper()}{digest[:PSEUDONYM_LENGTH]}"
