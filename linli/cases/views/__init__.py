"""The cases pages: the staff desk (``desk``), intake and my reports (``intake``), messages (``messages``)."""
