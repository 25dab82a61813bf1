"""The audit trail: who changed which business row, when, from what to what."""
