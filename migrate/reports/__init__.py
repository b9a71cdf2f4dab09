"""The reporting track of the move off Azure: Power BI reports read into one model and converted
to QuickSight (docs/migration.md, "Reports")."""
