"""Reading: the issue file and the settings, from text to validated records. `load.py` reads
safe YAML and remembers the line of every value; `model.py` (the issue) and `settings.py`
(newsletter.toml) declare the fields, with the rules of `fields.py`; `validate.py` checks data
against those declarations, collecting every problem with its line; `schema.py` turns the same
declarations into JSON Schema; `issue_file.py` reads one issue and checks what the model cannot
see (photo files, links in the body, via `body_markdown.py`).
"""
