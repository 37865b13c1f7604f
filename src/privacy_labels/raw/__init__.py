"""Raw inputs: the corpus layout, reading and validating annotation documents, adding policies, adjudication.

corpus       the layout: where policies, sidecars and annotation documents live
problems     Problem (file, JSON path, message, hint) and InvalidInputs
jsonio       reading JSON strictly, within limits, with a problem per fault
conformance  the JSON Schemas: jsonschema-rs decides, jsonschema explains
rules        every input rule, once, as generators of problems
inputs       the rules to the first problem: a policy read once (build), a corpus passed
validate     the rules to the end: every problem of files, folders and corpora
documents    the one builder of annotation documents
policies     add-policy and resegment
disagreements  two layers compared: agreed labels, paired practices, disagreements
adjudication_log  an adjudication log checked against the disagreements
adjudicate   the consolidated layer from two layers and an adjudication log
"""
