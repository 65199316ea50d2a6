# The two commands: `make run` and `make test`.  Everything else is set up on the way.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.linli-installed

.PHONY: run test lint messages bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Linli needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
		echo "Creating the virtual environment failed: on Debian/Ubuntu run 'apt-get install python3-venv'."; \
		rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/linli run

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check linli bench

# Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: $(STAMP)
	for app in linli/*/; do if [ -d $$app/locale ]; then (cd $$app && ../../$(BIN)/django-admin makemessages -l zh_Hans --settings=linli.settings -i 'tests/*' >/dev/null); fi; done
	$(BIN)/linli compilemessages -l zh_Hans

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
