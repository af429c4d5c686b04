"""The serving snapshot BI tools read: where it lives, what it holds, and how a publish swaps it."""
