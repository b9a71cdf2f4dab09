"""The move off Azure: ``migrate schema`` converts SQL Server DDL to MySQL's, ``migrate verify``
proves the copy (docs/migration.md)."""
