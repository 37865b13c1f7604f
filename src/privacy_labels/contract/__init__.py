"""The contract: the schema, the label schemes, the tables and the views derived from them."""
