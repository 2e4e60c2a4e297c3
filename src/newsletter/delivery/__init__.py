"""Delivery: what leaves the build. The MIME message (`message.py`), the SMTP conversation of a
test send (`smtp.py`), the output folder written atomically (`output_folder.py`), and the
limits inboxes put on what they are sent (`limits.py`: Gmail's clipping, its <style> limit).
"""
