"""``migrate verify``: proof, independent of the services that copied it, that every row and every
file arrived intact. Read-only on both sides."""
