# Two commands: `make run` serves the chat, `make test` runs the tests. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-deps a11y-deps index validate stats clean

setup: $(STAMP)

# CPU torch goes in first, so nothing later pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[llm,test]"
	touch $(STAMP)

index: setup
	$(BIN)/python -m index build

run: index
	$(BIN)/python app.py

validate: setup
	$(BIN)/python -m index validate

stats: setup
	$(BIN)/python -m index stats

# The browser tests drive Debian's Chromium (never a browser download); installed once, as root or via sudo.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-liberation; \
	fi

# axe-core for the accessibility test, pinned in tests/a11y (package-lock.json); skipped without npm.
a11y-deps:
	@if command -v npm >/dev/null; then npm ci --prefix tests/a11y --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility test will be skipped (apt-get install -y npm)"; fi

test: setup system-deps a11y-deps
	$(BIN)/python -m index validate
	$(BIN)/python -m pytest

clean:
	rm -rf .data $(VENV)
