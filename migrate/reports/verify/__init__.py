"""``migrate verify --reports``: each converted visual's numbers computed twice, the Power BI way
(its DAX over the source database) and the QuickSight way (the generated definition over the
migrated database), and compared."""
