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
	$(BIN)/python -m pip install --quiet ".[test,mpi]"

demo: install
	mkdir -p demo
	$(BIN)/physml simulate --model ising --lattice square --size 24,32,48 \
	  --temperatures 2.0:2.6:25 --algorithm wolff --thermalize 2000 --sweeps 100000 \
	  --measure-every 5 --save-configs 300 --seed 7 --output demo/ising.h5 --overwrite -q
	$(BIN)/physml detect-transition demo/ising_L24.h5 demo/ising_L32.h5 demo/ising_L48.h5 \
	  --method all --seed 7 --plot demo/transition.png

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_mc.py
	$(BIN)/python benchmarks/bench_vmc.py

clean:
	rm -rf build dist $(VENV) demo
