#!/usr/bin/env bash
# Builds the DocC documentation of every library product with the toolchain's `docc`, with
# warnings as errors: a broken symbol link or an unresolved topic fails the build.
#
#   scripts/build-docs.sh             # archives in .build/docs/<Module>.doccarchive
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
modules=(HTTPTransport SendingDomainsDNS SendingDomains SendKitClient AutoSendClient KrafterClient CllavioClient AhaSendClient
  SendingDomainsServing SendingDomainsTesting SendingDomainsSandbox SendingDomainsRedis)
swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs=$(dirname "$(find .build -path '*symbolgraph/HTTPTransport.symbols.json' | head -n 1)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p .build/docs
status=0
# The guides in Docs/ are the catalogs' articles: each module's landing page lists its own
# under "Guides", and they are copied in here (as <Name>Guide.md, so that no article takes a
# symbol's name) so that one text serves GitHub and DocC.
guides() {
  case "$1" in
    HTTPTransport) echo Transport ErrorsAndRetries Security Performance ServerIntegration ;;
    SendingDomainsDNS) echo Preflight ;;
    SendingDomainsRedis) echo Scaling ;;
    SendingDomains) echo GettingStarted UnifiedAPI ChoosingAProvider Preflight Webhooks CLI DomainConnect APIGuidelines BulkOnboarding Migration ;;
    AhaSendClient) echo Providers/AhaSend Webhooks ;;
    SendingDomainsTesting | SendingDomainsSandbox) echo Testing ;;
    *Client) echo "Providers/${1%Client}" ;;
  esac
}
for module in "${modules[@]}"; do
  mkdir -p "$work/$module"
  cp -R "Sources/$module/$module.docc" "$work/$module.docc"
  for guide in $(guides "$module"); do cp "Docs/$guide.md" "$work/$module.docc/$(basename "$guide")Guide.md"; done
  cp "$graphs/$module.symbols.json" "$work/$module/"
  cp "$graphs/$module"@*.symbols.json "$work/$module/" 2>/dev/null || true
  if ! docc convert "$work/$module.docc" --additional-symbol-graph-dir "$work/$module" \
    --fallback-display-name "$module" --fallback-bundle-identifier "org.sendingdomains.$module" \
    --output-path ".build/docs/$module.doccarchive" --warnings-as-errors >"$work/$module.log" 2>&1; then
    echo "docs: $module has warnings or errors:"
    grep -E "warning|error" "$work/$module.log" | head -40
    status=1
  else
    echo "docs: $module — no warnings"
  fi
done
exit $status
