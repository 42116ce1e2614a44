"""Data and files: the names corpus and its encoding (names.py), checkpoints (checkpoint.py),
one long sequence cut into streams and chunks (streams.py).

dinos.txt, the shipped corpus of dinosaur genus names, is package data of this folder.
"""
