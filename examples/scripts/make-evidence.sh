#!/usr/bin/env bash
# Regenerates the example's evidence in reports/ by running the real tools. Run from the
# flow-actions checkout after `npm ci` (the tools are flow-actions' dev dependencies):
#   bash examples/scripts/make-evidence.sh
# Each command below is exactly what made the committed file next to it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(cd "$HERE/.." && pwd)/node_modules/.bin"
export PATH="$BIN:$PATH"
cd "$HERE"
mkdir -p reports
echo "node $(node --version)"

# Tests: node's own runner with its JUnit reporter -> reports/junit.xml
node --test --test-reporter=junit --test-reporter-destination=reports/junit.xml test/*.test.js

# Coverage: c8 over the same tests -> reports/lcov.info and reports/cobertura-coverage.xml
c8 --reports-dir=reports/coverage --reporter=lcovonly --reporter=cobertura --all --include='src/**' node --test test/*.test.js >/dev/null
mv reports/coverage/lcov.info reports/lcov.info
mv reports/coverage/cobertura-coverage.xml reports/cobertura-coverage.xml
rm -rf reports/coverage

# Static analysis: ESLint with the SARIF formatter -> reports/eslint.sarif (exit 1 means findings)
eslint --config eslint.config.js --format "$HERE/../node_modules/@microsoft/eslint-formatter-sarif/sarif.js" \
  --output-file reports/eslint.sarif src test scripts || [ -s reports/eslint.sarif ]

# SBOM: CycloneDX for npm -> reports/bom.cdx.json
npm install --no-audit --no-fund --package-lock-only >/dev/null
cyclonedx-npm --output-format JSON --output-file reports/bom.cdx.json --omit dev

# Performance: a real load run against the checkout service on loopback -> reports/perf.json
node scripts/perf.js reports/perf.json

# Tool output names this machine's absolute paths; keep the files stable and relative.
sed -i "s#file://$HERE/##g; s#$HERE/##g" reports/*.xml reports/*.info reports/*.sarif
echo "evidence written to $HERE/reports"
