"""Users, roles per cooperative, login and the one access check."""
