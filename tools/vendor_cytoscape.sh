#!/usr/bin/env bash
# Vendor Cytoscape.js into the explorer's static files, reproducibly.
#
# The explorer (/explore) must work offline, so its graph library ships in the
# package (api/static/explore/vendor/) instead of coming from a CDN. This
# script fetches the pinned release from the npm registry with `npm pack`
# (which checks the tarball against the registry's integrity hash), copies
# the minified build and its licence, and records the version and the file's
# sha256 in VERSIONS.txt; tests/test_explore.py checks the file against it.
#
#   tools/vendor_cytoscape.sh            # re-vendor the pinned version
#   CYTOSCAPE_VERSION=3.33.1 tools/vendor_cytoscape.sh
set -euo pipefail
VERSION="${CYTOSCAPE_VERSION:-3.33.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/api/static/explore/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "cytoscape@$VERSION" >/dev/null && tar xzf "cytoscape-$VERSION.tgz")
mkdir -p "$DEST"
cp "$WORK/package/dist/cytoscape.min.js" "$DEST/cytoscape.min.js"
cp "$WORK/package/LICENSE" "$DEST/cytoscape.LICENSE.txt"
SHA="$(sha256sum "$DEST/cytoscape.min.js" | cut -d' ' -f1)"
cat > "$DEST/VERSIONS.txt" <<TXT
# Third-party files served by /explore, vendored by tools/vendor_cytoscape.sh.
# name       version  licence  file                 sha256
cytoscape    $VERSION   MIT      cytoscape.min.js     $SHA
TXT
echo "vendored cytoscape $VERSION ($SHA)"
