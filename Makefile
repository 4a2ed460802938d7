# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv with the interpreter in PYTHON and install physml into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"

demo: install
	mkdir -p demo
	$(BIN)/physml simulate --model ising --lattice square --size 16,32 \
	  --temperatures 1.8:3.0:13 --algorithm wolff --thermalize 500 --sweeps 5000 \
	  --seed 7 --output demo/ising.h5 --plot demo/ising.png --overwrite
	$(BIN)/physml info demo/ising_L32.h5

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_mc.py
	$(BIN)/python benchmarks/bench_vmc.py

clean:
	rm -rf build dist $(VENV) demo
