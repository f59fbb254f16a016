"""End-to-end tests through the served product: the README's commands, the fuzzer, a lead's whole tagging life."""
