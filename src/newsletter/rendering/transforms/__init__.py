"""Post-processing of the compiled HTML, one small `html -> html` step per module.

The steps run in this order, each for a reason:

1. inline_css     - copy every CSS rule onto the elements it styles (premailer, no network);
                    clients that drop <style> still get the layout. Media queries and
                    dark-mode rules stay in <head>.
2. image_heights  - keep integer width/height attributes for Outlook, but let CSS scale
                    photos proportionally on phones.
3. merge_tags     - put the mailing service's placeholders back, byte for byte, after the
                    HTML parsers above could have escaped them.
4. doctype        - premailer drops the <!doctype html> MJML wrote; standards mode needs it.
5. thunderbird_media - repeat the phone layout's @media rules as <style media> elements,
                    the only form Thunderbird applies, scoped to Thunderbird alone.
6. outlook_fonts  - give Outlook for Windows fonts Windows has and exact line heights, in an
                    <!--[if mso]> style (after inlining, which would copy it everywhere).
7. apple_mail     - keep Apple Mail's data detectors from painting dates and addresses as
                    links, in a <style> of its own (after inlining, for the same reason).
8. fold_lines     - keep every line under SMTP's 998-byte limit so the HTML part can be sent
                    as 8bit instead of base64 (which would add a third to its size).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from newsletter.rendering.transforms import (
    apple_mail,
    doctype,
    fold_lines,
    image_heights,
    inline_css,
    merge_tags,
    outlook_fonts,
    thunderbird_media,
)


def run(html: str, placeholders: Mapping[str, str], fonts: tuple[str, str]) -> str:
    """Run every step in order; `placeholders` maps stand-in addresses to merge tags, `fonts`
    are the body's and the headings' font stacks."""
    steps: tuple[Callable[[str], str], ...] = (
        inline_css.inline_css,
        image_heights.auto_heights,
        lambda h: merge_tags.restore(h, placeholders),
        doctype.ensure_doctype,
        thunderbird_media.repeat_for_thunderbird,
        lambda h: outlook_fonts.add_outlook_style(h, *fonts),
        apple_mail.calm_data_detectors,
        fold_lines.fold_long_lines,
    )
    for step in steps:
        html = step(html)
    return html
