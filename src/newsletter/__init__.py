"""newsletter: turns a news desk's weekly issue file into a ready-to-send email."""

__version__ = "0.1.0"
