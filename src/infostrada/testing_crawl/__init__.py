"""A crawl of the platform as people use it: served like ``make demo``, every role, both languages.

``python -m infostrada.testing_crawl`` (``make crawl``, a step of ``.ci/run``)
sets up a fresh demo (``server``), logs in anonymous, a citizen, every demo
official role of Lubicz and the region administrator (``roles``), follows
every same-origin link of every page in Polish and in English (``crawler``:
which URLs, and what counts as a failure), sends the main forms
(``scripted``), crawls again, and prints pages per person and language and
every failure (``run``). ``pages`` holds the HTML rules, among them what
"needs JavaScript" means.
"""
