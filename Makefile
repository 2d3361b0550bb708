# Two commands: `make run` serves the chat, `make test` runs the tests. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-deps index validate stats clean

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

test: setup system-deps
	$(BIN)/python -m index validate
	$(BIN)/python -m pytest

clean:
	rm -rf .data $(VENV)
