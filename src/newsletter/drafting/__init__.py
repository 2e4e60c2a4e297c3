"""Drafting: next week's issue files filled in from the desk's website feed
(`newsletter new --from-feed`). Everything fetched is untrusted input: download.py fetches
with limits, feed.py reads the feed, photos.py stages the photos, issue_text.py writes the
file's text, new_items.py picks what is new since the latest issue."""
