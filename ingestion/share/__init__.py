"""Data shares: the Safeguarding Adults Board's quarterly pack, disclosure-controlled and pseudonymised.

- ``periods``: the quarter and the financial year to date;
- ``disclosure``: statistical disclosure control (suppression of 1 to 7, rounding to 5, secondary suppression);
- ``pack`` (with ``equity``, ``quality``, ``extract``, ``tables``): the tables, notes and audit extract from the marts;
- ``pseudonymise``: keyed hashes in place of identifiers, and where the key comes from;
- ``writers``: CSV, workbook, HTML report, manifest; ``deliver`` and ``audit``: outbox or SFTP, ``share.deliveries``;
- ``board``: the two steps together (the DAG ``share_safeguarding_board``, ``ascwh share``).

Kept light: the DAG file imports this package while it is parsed.
"""

DEFAULT_RECIPIENT = "Gloucestershire Safeguarding Adults Board"
SFTP_CONN_ENV = "ASCWH_SHARE_SFTP_CONN_ID"  # Airflow SFTP connection of the board's server; unset: the outbox
