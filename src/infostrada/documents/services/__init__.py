"""Business operations of the EZD, one module per part of the domain.

Each public function is one operation: it checks permissions, writes in one
transaction with its audit entry and history line, and keeps the search index
current. Import the module you need, e.g. ``from infostrada.documents.services
import cases``.
"""
