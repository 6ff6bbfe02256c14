"""Small documents with known answers, for ingestion and search tests."""

HANDBOOK = """# Travel policy

Employees book flights through the travel desk at least fourteen days ahead. Economy class is
the rule for flights under six hours; business class needs a director's approval.

## Expenses

Hotel nights are reimbursed up to 180 euros in Paris and 140 euros elsewhere. Keep every
receipt; claims without receipts are refused.

# Security

Laptops are encrypted with full-disk encryption. Report a lost laptop to the security team
within one hour, by phone on extension 4444.
"""

RECIPES = """# Sourdough

Feed the starter with equal weights of flour and water the evening before. Bake at 250
degrees with steam for twenty minutes, then lower the oven to 220 degrees.
"""
