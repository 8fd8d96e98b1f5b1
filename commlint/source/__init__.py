"""Reading input: decoding bytes into text (and its form), and finding the documents under a path."""
