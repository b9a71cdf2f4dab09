"""The model to QuickSight's inputs: data sets, calculated fields, the dashboard definition."""
