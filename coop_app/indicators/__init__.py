"""The programme's pillar-4 indicators (K1-K9): computed from the books and the records,
stored per cooperative at each month-end, rolled up from village to programme."""
