"""Template images of the 収納管理システム's screens (cut by scripts/capture_shuno_screens.py).

A package only so that the PNGs install with the adapter.
"""
