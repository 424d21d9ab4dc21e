"""Ingestion: load files, clean, find the letter, parse metadata, section, embed, store."""
