"""Keep Apple Mail and iOS Mail from turning dates, times and addresses into links.

Their data detectors wrap "31 July 2012", «31 июля 2012 г.» or the footer's postal address in
an `<a x-apple-data-detectors>` in the client's link colour (a hard-to-read blue in dark mode),
and iOS may rescale the message. The cure Cerberus, Foundation for Emails and MJML's users
share: the `x-apple-disable-message-reformatting` meta tag, and a rule giving those links the
surrounding text's look. The rule goes in a <style> of its own, so that a client rejecting
its attribute selector drops nothing else.
"""

from __future__ import annotations

from newsletter.rendering.transforms.head import append_to_head

META = '<meta name="x-apple-disable-message-reformatting">'
STYLE = (
    '<style type="text/css">a[x-apple-data-detectors] { color: inherit !important; '
    "text-decoration: none !important; font-size: inherit !important; "
    "font-family: inherit !important; font-weight: inherit !important; "
    "line-height: inherit !important; }</style>"
)


def calm_data_detectors(html: str) -> str:
    """Add the meta tag and the data-detector rule at the end of <head>."""
    return append_to_head(html, f"{META}\n{STYLE}")
