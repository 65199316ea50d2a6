"""The demo data of the article (``linli demo``); the loader is ``linli.demo.loader``."""
