# Two commands: `make run` serves the chat, `make test` runs the tests. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The answer backend to serve with. Empty: the settings' default (extractive), which needs nothing more.
# `make run BACKEND=llamacpp` also installs the in-process model (llama-cpp-python compiles, minutes);
# `BACKEND=openai` needs only a server's address (STUDY_OPENAI_BASE_URL).
BACKEND ?=
EXTRAS_llamacpp := llm
RUN_EXTRAS := $(EXTRAS_$(BACKEND))
comma := ,

.PHONY: run test setup system-deps a11y-deps index validate stats clean

setup: $(VENV)/.installed

# CPU torch goes in first (pip finds it on this machine's disk), so nothing later pulls a multi-GB CUDA
# build; uv then installs the rest with parallel downloads (3-10x faster than pip: docs/benchmarks.md) and
# keeps that torch. Files are copied, not hard-linked from uv's cache: nltk refuses multiply-linked files.
# Serving needs only the base install; each extra set (`llm`, `test`) has its own stamp,
# so `make run` never compiles or installs test tools.
UV := $(BIN)/uv pip install --quiet --native-tls --link-mode=copy --python $(BIN)/python

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv
	$(BIN)/pip install --quiet torch==2.13.0
	$(UV) -e .
	touch $@

# llama-cpp-python compiles llama.cpp, most of a fresh `make test`'s set-up. Two of its libraries are never
# loaded here and are not built: the multimodal one (llava/mtmd) and llama.cpp's `common` utilities (the
# package loads only libllama and libggml*; common was about half of the compile). Its CMakeLists forces
# common ON, so an include run at llama.cpp's own project() turns it off again. Measured: docs/benchmarks.md.
LLAMA_NO_COMMON := $(abspath $(VENV))/llama-no-common.cmake
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DCMAKE_PROJECT_llama.cpp_INCLUDE=$(LLAMA_NO_COMMON)

$(VENV)/.installed-%: $(VENV)/.installed
	test -x $(BIN)/uv || $(BIN)/pip install --quiet uv
	echo 'set(LLAMA_BUILD_COMMON OFF CACHE BOOL "not loaded by llama-cpp-python" FORCE)' > $(LLAMA_NO_COMMON)
	CMAKE_ARGS="$${CMAKE_ARGS:-$(LLAMA_CMAKE_ARGS)}" $(UV) -e ".[$(subst +,$(comma),$*)]"
	touch $@


RUN_STAMP := $(if $(RUN_EXTRAS),$(VENV)/.installed-$(RUN_EXTRAS),$(VENV)/.installed)

index: setup
	$(BIN)/python -m index build

run: $(RUN_STAMP) index
	$(if $(BACKEND),STUDY_BACKEND=$(BACKEND) )$(BIN)/python app.py

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

# The venv, Chromium and axe-core are independent set-up steps: a sub-make runs them side by side (-O keeps
# each one's output together), so apt-get and npm run while llama.cpp compiles.
test:
	$(MAKE) --no-print-directory -j3 -O $(VENV)/.installed-llm+test system-deps a11y-deps
	$(BIN)/python -m index validate
	$(BIN)/python -m pytest

clean:
	rm -rf .data $(VENV)
