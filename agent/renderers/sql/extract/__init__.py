"""Reading a catalog query's result as Arrow record batches, fast where the database allows it."""
