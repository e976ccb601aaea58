# Sig2GPS — one entry point for setting up, testing, benchmarking and packaging.
# `make demo` and `make test` work on a fresh Debian 12 machine: they install what they need.

PYTHON      ?= python3            # backend interpreter (3.11)
QGIS_PYTHON ?= /usr/bin/python3   # Debian's Python, the one python3-qgis is built for
VENV        := .venv
QVENV       := .venv-qgis
BIN         := $(VENV)/bin
QBIN        := $(QVENV)/bin
APT_PKGS    := qgis python3-qgis qgis-providers xvfb xauth imagemagick python3-venv pyqt5-dev-tools qttools5-dev-tools
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: all system-deps venv qgis-venv demo test test-backend test-plugin bench install-plugin package qgis clean

all: venv

# Debian packages: QGIS and its Python bindings, a virtual screen for GUI tests.
system-deps: .system-deps.stamp
.system-deps.stamp:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	touch $@

# The backend venv, pinned (requirements.lock); the package itself installed editable.
venv: $(VENV)/.stamp
$(VENV)/.stamp: requirements.lock backend/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e backend
	touch $@

# The plugin-test venv: Debian's Python with system site-packages (qgis, PyQt5) plus pytest.
qgis-venv: $(QVENV)/.stamp
$(QVENV)/.stamp: .system-deps.stamp
	$(QGIS_PYTHON) -m venv --system-site-packages $(QVENV)
	$(QBIN)/pip install -q pytest==9.2.0 pytest-qgis==5.0.2
	touch $@

demo: venv
	$(BIN)/sig2gps demo --out out/demo

test: test-backend test-plugin

test-backend: venv
	$(BIN)/python -m pytest -q tests/backend tests/contract $(PYTEST_ARGS)

test-plugin: venv qgis-venv
	QT_QPA_PLATFORM=offscreen SIG2GPS_BACKEND_PYTHON=$(abspath $(BIN)/python) \
	  $(QBIN)/python -m pytest -q -p no:cacheprovider tests/plugin $(PYTEST_ARGS)

bench: venv
	$(BIN)/sig2gps bench --out docs/BENCHMARKS.md

clean:
	rm -rf out build dist .pytest_cache
