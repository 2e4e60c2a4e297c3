"""What inboxes put up with: Gmail's clipping point and its limit on <style> blocks."""

from __future__ import annotations

from newsletter.errors import Severity

GMAIL_CLIP_BYTES = 102_000  # Gmail shows "[Message clipped]" and hides the rest
HTML_WARN_BYTES = 80_000
STYLE_LIMIT_BYTES = 16_000  # Gmail drops every <style> block when they hold more
UNSUBSCRIBE_WITHIN = 100_000  # the unsubscribe link must lie before the clip


def html_size_verdict(size: int) -> tuple[Severity, str] | None:
    """(severity, message) for an HTML part of `size` bytes against Gmail's clipping, if any."""
    if size >= GMAIL_CLIP_BYTES:
        return "error", (
            f"HTML is {size:,} bytes: Gmail clips messages over about "
            f"{GMAIL_CLIP_BYTES:,}, hiding the rest"
        )
    if size >= HTML_WARN_BYTES:
        return "warning", (
            f"HTML is {size:,} bytes: close to Gmail's clipping point ({GMAIL_CLIP_BYTES:,})"
        )
    return None
