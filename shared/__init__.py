"""Avenir's code below the functions: the platform every part stands on, and one package per part of
the product (leads, clients, growth, mail, prospects, privacy, enrichment)."""
