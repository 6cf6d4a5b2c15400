"""Machine configs: the validated input model and the file loader."""
