"""Linli's settings with one more URL, ``/bench/ping``: a one-line view behind the same middleware."""

from linli.settings import *  # noqa: F403

ROOT_URLCONF = "oneline_urls"
