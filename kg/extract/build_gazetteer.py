"""Regenerate ``kg/data/gazetteer.json``: ``python -m kg.extract.build_gazetteer``.

Needs the ``gazetteer`` extra (``pip install 'kg[gazetteer]'``) for
country_converter's country table. Entity keys already in the file are kept.
"""
from __future__ import annotations


def main() -> None:
    from kg.extract.gazetteer import write_gazetteer

    print(f"wrote {write_gazetteer()} gazetteer entries")


if __name__ == "__main__":
    main()
