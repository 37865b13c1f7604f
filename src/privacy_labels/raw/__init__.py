"""Raw inputs: the corpus layout, reading and validating annotation documents, adding policies, adjudication."""
