"""The image stage: every gallery photo resized for its slot (twice its width on a desktop,
never upscaled), made upright and sRGB, compressed (JPEG for photos, PNG for graphics),
stripped of all metadata, named by the hash of its bytes and cached. `stage.py` decides what
must be made and keeps the cache; `encode.py` does the Pillow work, loaded only on a cache miss;
`rendition.py` is what both hand back.
"""
