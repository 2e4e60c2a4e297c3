"""newsletter: turns a news desk's weekly issue file into a ready-to-send email.

The package is layered, each layer a subpackage: `reading` (issue file and settings to
validated records), `images` (photos to compressed renditions), `rendering` (records to MJML,
HTML and text), `delivery` (the message, SMTP, the output folder) and `commands` (what each
subcommand does). `pipeline.build_issue` runs the layers top to bottom; `cli.py` declares the
options and maps errors to exit codes.
"""

__version__ = "0.1.0"
