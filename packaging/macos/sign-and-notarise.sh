#!/usr/bin/env bash
# Sign, package, notarise and staple the macOS build:
#   dist/SLI Desktop.app  ->  dist/sli-desktop-VERSION-macos-arm64.dmg
#
# Signing needs a "Developer ID Application" certificate in the keychain, named by
#   SLI_CODESIGN_IDENTITY="Developer ID Application: <Organisation> (<TEAMID>)"
# (the spec signs every binary with it at build time when it is set; this signs the bundle and
# the disk image). Notarisation needs Apple's notary service credentials, either a profile made
# once with `xcrun notarytool store-credentials sli-notary` (SLI_NOTARY_PROFILE=sli-notary) or
# APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password).
#
# With no identity it makes an UNSIGNED disk image and says so: fine for testing a build, but
# Gatekeeper will refuse to open the app on another Mac.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
app="dist/SLI Desktop.app"
entitlements=packaging/macos/entitlements.plist
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n1)
dmg="dist/sli-desktop-$version-macos-$(uname -m).dmg"
identity=${SLI_CODESIGN_IDENTITY:-}

[ -d "$app" ] || { echo "sign-and-notarise: build $app first" >&2; exit 1; }

if [ -n "$identity" ]; then
    # Inside out: the nested executables and libraries were signed by PyInstaller; the bundle
    # itself last, with the hardened runtime (required for notarisation) and our entitlements.
    codesign --force --timestamp --options runtime --entitlements "$entitlements" \
        --sign "$identity" "$app/Contents/MacOS/sli" "$app/Contents/MacOS/sli-desktop"
    codesign --force --timestamp --options runtime --entitlements "$entitlements" \
        --sign "$identity" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
else
    echo "sign-and-notarise: SLI_CODESIGN_IDENTITY is not set: the disk image is UNSIGNED" >&2
fi

# The disk image: the app and a link to /Applications to drag it onto.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
ditto "$app" "$staging/SLI Desktop.app"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "SLI Desktop" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"

if [ -z "$identity" ]; then
    echo "sign-and-notarise: $dmg (unsigned, not notarised)"
    exit 0
fi
codesign --force --timestamp --sign "$identity" "$dmg"

if [ -n "${SLI_NOTARY_PROFILE:-}" ]; then
    notary=(--keychain-profile "$SLI_NOTARY_PROFILE")
elif [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    notary=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
else
    echo "sign-and-notarise: no notary credentials: $dmg is signed but NOT notarised" >&2
    exit 0
fi
# Apple checks every binary in the image; --wait returns its verdict ("Accepted" or not).
xcrun notarytool submit "$dmg" "${notary[@]}" --wait --timeout 30m
# The ticket goes into the image, so Gatekeeper need not ask Apple when it is opened offline.
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose "$dmg"
echo "sign-and-notarise: $dmg signed, notarised and stapled"
