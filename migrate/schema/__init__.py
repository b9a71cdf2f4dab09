"""T-SQL ``CREATE TABLE``/``CREATE INDEX``/``ALTER TABLE`` → MySQL DDL, with what could not be
converted as a list a person must act on."""
