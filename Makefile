# Sig2GPS — one entry point for setting up, testing, benchmarking and packaging.
# `make demo` and `make test` work on a fresh Debian 12 machine: they install what they need.

PYTHON      ?= python3            # backend interpreter (3.11)
QGIS_PYTHON ?= /usr/bin/python3   # Debian's Python, the one python3-qgis is built for
VENV        := .venv
QVENV       := .venv-qgis
BIN         := $(VENV)/bin
QBIN        := $(QVENV)/bin
APT_PKGS    := qgis python3-qgis qgis-providers xvfb xauth imagemagick python3-venv pyqt5-dev-tools qttools5-dev-tools \
               fonts-wqy-microhei
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: all system-deps venv qgis-venv demo test lint test-backend test-plugin bench install-plugin package qgis clean \
        plugin-build i18n-update

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

test: lint test-backend test-plugin

# ruff (settings in pyproject.toml): lint every Python file; format-check the files already in ruff's format.
# A file joins RUFF_FORMATTED when it is created or rewritten (`$(BIN)/ruff format FILE`), never the whole tree.
RUFF_FORMATTED := backend/sig2gps/benchmark/tables.py backend/sig2gps/benchmark/expr.py backend/sig2gps/benchmark/doc.py backend/sig2gps/machine.py \
                  backend/sig2gps/network/pieces.py experiments/render.py experiments/video_probes/derive.py \
                  tests/backend/test_tables.py tests/contract/test_layout.py
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check $(RUFF_FORMATTED)

test-backend: venv
	$(BIN)/python -m pytest -q tests/backend tests/experiments tests/contract $(PYTEST_ARGS)

# Plugin tests: headless (pytest-qgis, offscreen), then one real QGIS window under Xvfb with the
# packaged plugin loaded from a throw-away profile. pytest-qgis keeps its QGIS settings in the
# rootdir, so the rootdir is a build folder (the checkout stays clean).
test-plugin: venv qgis-venv plugin-build
	mkdir -p build/pytest-qgis build/pytest-gui
	QT_QPA_PLATFORM=offscreen SIG2GPS_BACKEND_PYTHON=$(abspath $(BIN)/python) \
	  $(QBIN)/python -m pytest -q -p no:cacheprovider --rootdir=build/pytest-qgis tests/plugin $(PYTEST_ARGS)
	SIG2GPS_BACKEND_PYTHON=$(abspath $(BIN)/python) SIG2GPS_PLUGIN_BUILD=$(abspath $(PLUGIN_BUILD)) \
	  xvfb-run -a -s "-screen 0 1400x900x24" \
	  $(QBIN)/python -m pytest -q -p no:cacheprovider -p no:pytest_qgis --rootdir=build/pytest-gui tests/gui $(PYTEST_ARGS)

# The installable plugin folder: the package with metadata.txt and icon.png beside it, the
# conditioning style, the wire format (backend_client loads wire/wire.py), and compiled translations.
PLUGIN_NAME    := sig2gps_qgis
PLUGIN_BUILD   := build/$(PLUGIN_NAME)
PLUGIN_VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
QGIS_PROFILE   ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
plugin-build: .system-deps.stamp
	rm -rf $(PLUGIN_BUILD)
	mkdir -p $(PLUGIN_BUILD)/locale $(PLUGIN_BUILD)/resources/styles $(PLUGIN_BUILD)/wire
	cp -r plugin/. $(PLUGIN_BUILD)/
	cp metadata.txt $(PLUGIN_BUILD)/
	cp resources/icons/icon.png $(PLUGIN_BUILD)/icon.png
	cp resources/styles/*.json $(PLUGIN_BUILD)/resources/styles/
	cp -r resources/wire/. $(PLUGIN_BUILD)/wire/
	for ts in i18n/*.ts; do lrelease -silent $$ts -qm $(PLUGIN_BUILD)/locale/$$(basename $$ts .ts).qm; done
	find $(PLUGIN_BUILD) -name __pycache__ -prune -exec rm -rf {} +
	rm -f $(PLUGIN_BUILD)/defaults.json

# The plugin zip that QGIS's "Install from ZIP" takes: dist/sig2gps_qgis-<version>.zip.
package: plugin-build
	mkdir -p dist
	rm -f dist/$(PLUGIN_NAME)-$(PLUGIN_VERSION).zip
	cd build && $(QGIS_PYTHON) -m zipfile -c ../dist/$(PLUGIN_NAME)-$(PLUGIN_VERSION).zip $(PLUGIN_NAME)
	@echo "dist/$(PLUGIN_NAME)-$(PLUGIN_VERSION).zip"

# Deploy into the QGIS profile (QGIS_PROFILE=...), point the plugin at this checkout's backend venv,
# and enable it.
install-plugin: plugin-build
	mkdir -p $(QGIS_PROFILE)/python/plugins
	rm -rf $(QGIS_PROFILE)/python/plugins/$(PLUGIN_NAME)
	cp -r $(PLUGIN_BUILD) $(QGIS_PROFILE)/python/plugins/$(PLUGIN_NAME)
	printf '{"backend_python": "%s"}\n' "$(abspath $(BIN)/python)" > $(QGIS_PROFILE)/python/plugins/$(PLUGIN_NAME)/defaults.json
	$(QGIS_PYTHON) -c "import sys; from PyQt5.QtCore import QSettings; \
	  s = QSettings(sys.argv[1], QSettings.IniFormat); s.setValue('PythonPlugins/$(PLUGIN_NAME)', True); s.sync()" \
	  $(QGIS_PROFILE)/QGIS/QGIS3.ini
	@echo "installed into $(QGIS_PROFILE)/python/plugins/$(PLUGIN_NAME) (backend: $(abspath $(BIN)/python))"
	@[ -x $(BIN)/python ] || echo "note: $(BIN)/python does not exist yet; run 'make venv' (or set it in the plugin settings)"

# Start QGIS with the plugin installed and enabled.
qgis: install-plugin
	qgis

# Refresh i18n/*.ts from the tr() calls in plugin/ (keeps existing translations).
i18n-update:
	$(QGIS_PYTHON) i18n/extract.py zh de

# The package's sections (measured here), then the recorded runs and probes of experiments/ (rendered from their
# records; `python experiments/render.py --list` names them).
bench: venv
	$(BIN)/sig2gps bench --out docs/BENCHMARKS.md
	$(BIN)/python experiments/render.py --out docs/BENCHMARKS.md

clean:
	rm -rf out build dist .pytest_cache
