"""Ask pane: collections of documents, indexed and searched, answered with page citations."""
