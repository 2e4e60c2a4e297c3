"""Commands: what each `newsletter` subcommand does, called by `cli.py` with its options.
`build`, `check` (with its rules), `preview` (with its server, `livereload.py` and the page
`preview.html`), `new`, `send`. Each is imported only when its command runs; each raises the
errors of `newsletter.errors` and leaves exit codes to the command line.
"""
