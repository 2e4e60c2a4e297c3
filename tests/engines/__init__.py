"""A render harness: the built e-mail in four engines (Chromium, Gecko, WebKit, and Thunderbird
opening the real .eml), each returning a screenshot and what a reader sees, measured."""
