"""Rendering: from the validated issue to the final HTML and plain text. `layout.py` is the
grid (how wide each photo is shown); `context.py` lays the issue out and renders it through the
templates of `templates.py` (Jinja2, autoescaped, with the labels and dates of `i18n.py` and
the body from `markdown.py`); `compile_mjml.py` compiles MJML with mjml-python; `transforms/`
post-processes the HTML, one small step per module, in one ordered tuple.
"""
