"""The contract: the annotation schema, the taxonomy, the tables and the views derived from them."""
