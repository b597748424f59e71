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
export FOI_DATABASE_URL="$out/demo.db" FOI_REQUESTER_NAME="Robin Fairweather"
export FOI_REQUESTER_EMAIL="robin.fairweather@simwatch.org.uk"
export FOI_REQUESTER_ADDRESS="3 Canal Street, Leeds LS2 7HX"
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
done
# The campaign's letter to every trust, written as .eml files and logged as sent that day.
FOI_TODAY=2026-11-02 foi draft sim-use --to kind:mental-health-trust --campaign sim-2026 >/dev/null
FOI_TODAY=2026-11-02 foi send --campaign sim-2026 --outbox "$out/outbox" --yes >/dev/null
FOI_TODAY=2026-11-02 foi request log --campaign sim-2026 sent --on 2026-11-02 >/dev/null
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
FOI_TODAY=2026-12-08 foi request hold FOI-2026-0008 >/dev/null  # still being chased: held back
printf '%s\n' "**Serenity Integrated Mentoring** (SIM) put police officers into NHS mental health" \
    "teams and restricted crisis care for people labelled \"high intensity users\". We asked every" \
    "mental health trust whether it ran SIM, under which name, and with which police force." \
    >"$out/summary.md"
FOI_TODAY=2026-12-10 foi campaign edit sim-2026 --title "Who ran SIM? Findings from every trust" \
    --summary-file "$out/summary.md" --keep-questions >/dev/null
FOI_TODAY=2026-12-10 foi publish --campaign sim-2026 "$out/site"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$out/profile" \
    --hide-scrollbars --window-size=1100,1200 --screenshot="$out/published-index.png" \
    "file://$out/site/index.html" 2>/dev/null
echo "picture: $out/published-index.png (copy it to $repo/docs/published-index.png)"
