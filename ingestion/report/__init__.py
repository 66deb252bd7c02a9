"""Reports: what one ingestion run did (``FeedReport``), and the HTML pages people read.

``dashboard`` (the council's dashboard, ``ascwh report``; its sections in ``waiting``, ``flows``, ``equity`` and
``safeguarding``, built on ``parts``) and ``board_report`` (the Safeguarding Adults Board's report) render through
``page`` (jinja2 templates) and ``charts`` (matplotlib). They are not imported here, so that
``from ingestion.report import FeedReport`` stays light for the ingestion pipeline.
"""

from ingestion.report.feed import FeedReport

__all__ = ["FeedReport"]
