"""Workbench pages of the EZD: thin views over documents.services and documents.access."""
