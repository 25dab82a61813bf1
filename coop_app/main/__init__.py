"""The landing pages: which cooperatives a user works in, and each one's dashboard."""
