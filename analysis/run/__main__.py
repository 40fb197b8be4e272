"""``python -m analysis.run``: execute the notebooks (see :mod:`analysis.run.notebooks`)."""
from analysis.run.notebooks import main

raise SystemExit(main())
