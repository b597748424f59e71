#!/bin/sh
# Build a demo campaign of fictional trusts, publish its evidence site, and take the README's
# picture of the index with headless Chromium:
#
#     scripts/demo_findings.sh [OUT_DIR]        (default: a new temporary folder)
#
# The bodies are invented: a published picture must not put words in real trusts' mouths.
set -eu
out=${1:-$(mktemp -d)}
repo=$(cd "$(dirname "$0")/.." && pwd)
export FOI_DATABASE_URL="$out/demo.db" FOI_REQUESTER_NAME="Demo Requester"
export FOI_REQUESTER_EMAIL="requester@example.org"
mkdir -p "$out"
rm -f "$FOI_DATABASE_URL"
cd "$out"
foi db upgrade >/dev/null  # an empty database: the demo's trusts are invented, not the directory

i=0
for name in "Northshire Mental Health NHS Trust" "Eastmoor Partnership NHS FT" \
    "Riverside Care NHS Trust" "Westfold Health and Care NHS FT" "Southdown NHS Trust" \
    "Highfield Mental Health NHS FT" "Lakeland Partnership NHS Trust" "Coastway Care NHS Trust"; do
    i=$((i + 1))
    FOI_TODAY=2026-11-02 foi body add "$name" --kind mental-health-trust --ods-code "RX$i" \
        --email "foi@rx$i.nhs.example" >/dev/null
    FOI_TODAY=2026-11-02 foi request new --body "RX$i" --campaign sim-2026 --sent-on 2026-11-02 \
        --title "SIM and equivalent services" >/dev/null
done
r() { ref=$1; day=$2; shift 2; FOI_TODAY=$day foi respond "$ref" --on "$day" "$@" >/dev/null; }
r FOI-2026-0001 2026-11-16 --outcome successful --answer 1="Yes: the Crisis Support Team, 2018 to 2021" \
    --answer-status 1=answered --local-name "Crisis Support Team" --sim-status adopted
r FOI-2026-0002 2026-11-25 --outcome refused --exemption s12 --answer-status 1=refused
r FOI-2026-0003 2026-12-04 --outcome partially-successful --exemption '2:s40(2)' \
    --answer-status 1=answered --answer-status 2=refused --local-name "High Intensity Service" \
    --sim-status piloted
r FOI-2026-0004 2026-11-20 --outcome not-held --answer-status 1=not-held --denies-sim
r FOI-2026-0005 2026-11-27 --outcome successful --answer-status 1=answered --sim-status not-adopted
r FOI-2026-0006 2026-12-08 --outcome partially-successful --exemption s43 --answer-status 1=partial \
    --local-name "Frequent Attender Service" --sim-status adopted
FOI_TODAY=2026-12-01 foi request log FOI-2026-0002 internal-review-requested --on 2026-12-01 >/dev/null
FOI_TODAY=2026-12-10 foi publish --campaign sim-2026 "$out/site"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$out/profile" \
    --hide-scrollbars --window-size=1100,1500 --screenshot="$out/published-index.png" \
    "file://$out/site/index.html" 2>/dev/null
echo "picture: $out/published-index.png (copy it to $repo/docs/published-index.png)"
