"""The `privacy-labels` command line: the parser and one handler per subcommand."""
