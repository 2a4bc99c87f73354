"""Benchmarks of the portal at a whole administration's volume (issue 12). Not tests: nothing
in pytest runs them; they print figures for docs/performance.md.

    make bench                   # or: .venv/bin/python -m bench [--help]

- bench/__main__.py      `python -m bench`: builds the datasets, runs every measurement, prints
                         the tables and writes var/bench/results.json
- bench/datasets.py      the PostgreSQL databases of the large and the small dataset, built by
                         `manage.py generate_dataset` and reused while their parameters and the
                         migrations stay the same
- bench/pages.py         the main pages through Django's whole request handler (child process)
- bench/scoring_floor.py scoring a whole cycle against a hand-written SQL GROUP BY (child)
- bench/urls.py, bench/settings.py   the pages' URLconf: the portal's plus a bare page
- bench/exports_imports.py   exports and imports against psql \\copy and COPY (own database)
- bench/list_pages.py    the list pages alone, with EXPLAIN (its own database; not part of
                         `make bench`)
- bench/hostile_imports.py   the worst import files (issue 13; not part of `make bench`)
- bench/certificates.py  certificate PDFs (issue 4; not part of `make bench`)
"""
