"""Releases: a checked build frozen into a versioned folder with its checksums and metadata."""
