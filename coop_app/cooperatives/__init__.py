"""Cooperatives: the tenant of every row of business data."""
