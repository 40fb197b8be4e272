"""``python -m analysis.measures``: write every standard measure as Parquet (see :mod:`analysis.measures.registry`)."""
from analysis.measures.registry import main

raise SystemExit(main())
