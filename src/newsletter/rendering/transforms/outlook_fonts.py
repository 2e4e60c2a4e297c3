"""Give Outlook for Windows fonts it has, and exact line heights, in a <style> only it reads.

Outlook lays out with Word's engine. Given a font stack that starts with a font Windows does
not have (`-apple-system`, ours), it can fall back to Times New Roman instead of going down
the stack; and it computes `line-height` its own way unless `mso-line-height-rule: exactly`
is set. Maizzle and Cerberus put both in an `<!--[if mso]>` style; so does this step, with each
stack of the settings cut down to the fonts Windows has (`'Segoe UI', Arial, sans-serif` from
the body's default), and Arial or Georgia when a stack names none.
"""

from __future__ import annotations

from newsletter.rendering.transforms.head import append_to_head

# Fonts every Windows with Outlook has (Windows 7 and later, Office 2010 and later).
WINDOWS_FONTS = {
    "arial", "arial black", "calibri", "cambria", "candara", "comic sans ms", "consolas",
    "constantia", "corbel", "courier new", "franklin gothic medium", "georgia", "impact",
    "lucida console", "lucida sans unicode", "palatino linotype", "segoe ui", "tahoma",
    "times new roman", "trebuchet ms", "verdana",
}  # fmt: skip
GENERIC = {"serif", "sans-serif", "monospace"}
TEXT = "body, table, td, th, div, p, span, a, li, blockquote, h4, h5, h6"
HEADINGS = "h1, h2, h3, h1 a, h2 a, h3 a, .brand, .brand a"
EXACT = "table, td, th, div, p, span, a, li, blockquote, h1, h2, h3, h4, h5, h6"


def outlook_stack(stack: str) -> str:
    """The fonts of `stack` that Windows has, in order, and its generic family (a fallback of
    Arial, or Georgia for a serif stack, when it names none)."""
    names = [name.strip().strip("'\"") for name in stack.split(",")]
    generic = next((name for name in names if name.lower() in GENERIC), "sans-serif")
    known = [name for name in names if name.lower() in WINDOWS_FONTS]
    if not known:
        known = ["Georgia" if generic == "serif" else "Arial"]
    return ", ".join([*(f"'{n}'" if " " in n else n for n in known), generic])


def add_outlook_style(html: str, body_font: str, heading_font: str) -> str:
    """Add, before </head>, an `<!--[if mso]>` style with Outlook's fonts and line heights."""
    style = (
        '<!--[if mso]>\n<style type="text/css">\n'
        f"{TEXT} {{ font-family: {outlook_stack(body_font)} !important; }}\n"
        f"{HEADINGS} {{ font-family: {outlook_stack(heading_font)} !important; }}\n"
        f"{EXACT} {{ mso-line-height-rule: exactly; }}\n"
        "</style>\n<![endif]-->"
    )
    return append_to_head(html, style)
