"""The volunteering pages, one module per subject (see ``urls.py``)."""
