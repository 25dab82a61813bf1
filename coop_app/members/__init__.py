"""Members of a cooperative, the migrant workers of their families, and their links."""
