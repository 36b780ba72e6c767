# Two commands for a newcomer: `make run` and `make test`. Both create .venv as needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean package package-check check-platforms icons

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: set up and start the app (a labelled demo vault when you have none)
run: $(STAMP)
	$(BIN)/sli-desktop --demo-if-no-vault

## test: set up, lint, type-check and run the whole suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check sli_desktop tests
	$(BIN)/ruff format --check sli_desktop tests

typecheck: $(STAMP)
	$(BIN)/mypy sli_desktop

# pytest exits 5 when it collected no tests: that is a failure here, not a pass. Coverage is
# measured in the test process (not in the `sli` subprocesses) against the floor in pyproject.
unit: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --cov --cov-report=; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; \
	echo "coverage: $$($(BIN)/coverage report --format=total)% of sli_desktop's lines (floor $$(sed -n 's/^fail_under = //p' pyproject.toml)%)"; \
	exit $$rc

## bench: benchmarks (minutes; not part of make test)
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -p no:cacheprovider -s -o addopts="" --timeout=3600

## package: the one-folder app (sli-desktop + sli) in dist/sli-desktop and its tarball
# PyInstaller comes from the `package` extra. The folder also carries the Linux desktop entry,
# AppStream metadata and icon under share/, and install.sh to put them in place.
PACKAGE_STAMP := $(VENV)/.installed-package
VERSION = $(shell $(BIN)/python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")
TARBALL = dist/sli-desktop-$(VERSION)-linux-$(shell uname -m).tar.gz
APP_ID := uk.gov.local.SliDesktop

$(PACKAGE_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	rm -rf dist/sli-desktop build/pyinstaller
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
	    --workpath build/pyinstaller packaging/sli-desktop.spec || exit 1; \
	echo "make package: built dist/sli-desktop in $$(( $$(date +%s) - start )) s"
	install -Dm644 packaging/linux/$(APP_ID).desktop dist/sli-desktop/share/applications/$(APP_ID).desktop
	install -Dm644 packaging/linux/$(APP_ID).metainfo.xml dist/sli-desktop/share/metainfo/$(APP_ID).metainfo.xml
	install -Dm644 packaging/linux/$(APP_ID).svg dist/sli-desktop/share/icons/hicolor/scalable/apps/$(APP_ID).svg
	install -m755 packaging/linux/install.sh dist/sli-desktop/install.sh
	tar -C dist -czf $(TARBALL) sli-desktop
	@echo "make package: $$(du -sh dist/sli-desktop | cut -f1) folder, $$(du -h $(TARBALL) | cut -f1) $(TARBALL)"

## package-check: run the built folder's self-test from a copy, away from the source and .venv
package-check:
	packaging/check-build.sh dist/sli-desktop

## check-platforms: would every dependency install from wheels on Windows x64 and macOS 14 arm64?
# The versions installed here, resolved by pip for those platforms with --only-binary=:all:.
check-platforms: $(STAMP)
	$(BIN)/python packaging/check_platforms.py

## icons: the Windows .ico and macOS .icns, drawn from the SVG (the platform builds run this)
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
