"""The prose view: format readers, the document and its map to source, sentences and words, suppression
comments, and mentions that are not claims."""
