"""One module per CMS family; each registers a site's pages on a Portal."""
