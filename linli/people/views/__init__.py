"""The people pages: ``people`` (the list and the person page), ``imports`` (Excel import and export) and
``registry`` (the org tree and the grid, building and household pages under ``/places/``)."""
