"""The quality gate: great-expectations suites generated from the contract, run over built tables."""
