"""Repeat the phone layout's and dark mode's @media rules where Thunderbird applies them.

Thunderbird applies no @media (or @supports) block inside a <style> element, only whole
<style media="..."> elements (MJML's issue #2068, Mozilla's bug 1530106): at phone width,
photos MJML makes fluid (`mj-full-width-mobile`) stayed at their desktop width, and in dark
mode the e-mail's own dark palette never showed. This step copies each such block into a
<style media="..."> element of its own, every selector scoped to `.moz-text-html`, the class
of the element Thunderbird wraps an HTML message in, so that no other client applies the rules
a second time (MJML does the same for its column widths).
"""

from __future__ import annotations

import re

from newsletter.rendering.transforms.head import append_to_head

SCOPE = ".moz-text-html"
# The queries repeated: the phone layout (MJML writes `only screen and (max-width:479px)`)
# and dark mode. Those with min-width, MJML repeats for Thunderbird itself.
_REPEATED = re.compile(r"max-width|prefers-color-scheme", re.IGNORECASE)
_STYLE = re.compile(r"<style\b([^>]*)>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_MEDIA = re.compile(r"@media\s*([^{]+)\{", re.IGNORECASE)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def repeat_for_thunderbird(html: str) -> str:
    """Add, before </head>, a <style media> element for each phone or dark @media block."""
    copies = []
    for match in _STYLE.finditer(html):
        if "media=" in match.group(1).lower():
            continue
        for query, rules in media_blocks(match.group(2)):
            if _REPEATED.search(query):
                scoped = " ".join(
                    f"{scope_selectors(selectors)} {{ {body.strip()} }}"
                    for selectors, body in _RULE.findall(rules)
                )
                copies.append(f'<style media="{query}">{scoped}</style>')
    return append_to_head(html, "\n".join(copies)) if copies else html


def media_blocks(css: str) -> list[tuple[str, str]]:
    """(query, rules) of each top-level @media block of a stylesheet."""
    blocks = []
    position = 0
    while found := _MEDIA.search(css, position):
        depth, start = 1, found.end()
        end = start
        while end < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        blocks.append((" ".join(found.group(1).split()), css[start : end - 1]))
        position = end
    return blocks


def scope_selectors(selectors: str) -> str:
    """`a, b` -> `.moz-text-html a, .moz-text-html b`; `body` is the wrapper itself."""
    scoped = []
    for selector in (part.strip() for part in selectors.split(",")):
        scoped.append(SCOPE if selector == "body" else f"{SCOPE} {selector}")
    return ", ".join(scoped)
