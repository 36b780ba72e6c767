#!/bin/sh
# Install SLI Desktop from this unpacked folder.
#
#   sudo ./install.sh            everyone: /opt/sli-desktop, commands in /usr/local/bin,
#                                menu entry, icon and AppStream data under /usr/local/share
#   ./install.sh --user          this user only: ~/.local/lib/sli-desktop and ~/.local/{bin,share}
#   sudo ./install.sh --uninstall   (or --user --uninstall) removes what install put there;
#                                the vault (~/.local/share/sli-desktop) is never touched.
set -eu
APP_ID=uk.gov.local.SliDesktop
here=$(cd "$(dirname "$0")" && pwd)
scope=system
action=install
for arg in "$@"; do
    case $arg in
        --user) scope=user ;;
        --uninstall) action=uninstall ;;
        *) echo "install.sh: unknown option $arg (use --user, --uninstall)" >&2; exit 2 ;;
    esac
done
if [ "$scope" = user ]; then
    prefix=$HOME/.local
    dest=$prefix/lib/sli-desktop
else
    prefix=${PREFIX:-/usr/local}
    dest=${DEST:-/opt/sli-desktop}
fi
share=$prefix/share
entry=$share/applications/$APP_ID.desktop
icon=$share/icons/hicolor/scalable/apps/$APP_ID.svg
meta=$share/metainfo/$APP_ID.metainfo.xml

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 &&
        update-desktop-database -q "$share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 &&
        gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
}

if [ "$action" = uninstall ]; then
    rm -f "$prefix/bin/sli-desktop" "$prefix/bin/sli" "$entry" "$icon" "$meta"
    rm -rf "$dest"
    refresh
    echo "SLI Desktop removed from $dest (vaults are kept)."
    exit 0
fi

if [ "$here" != "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    rm -rf "$dest.new"
    cp -a "$here" "$dest.new"
    rm -rf "$dest"
    mv "$dest.new" "$dest"
fi
mkdir -p "$prefix/bin"
ln -sf "$dest/sli-desktop" "$prefix/bin/sli-desktop"
ln -sf "$dest/sli" "$prefix/bin/sli"
mkdir -p "$(dirname "$entry")" "$(dirname "$icon")" "$(dirname "$meta")"
# The menu entry starts this copy by its full path, whatever PATH the desktop session has.
sed -e "s|^Exec=sli-desktop|Exec=$dest/sli-desktop|" -e "s|^TryExec=sli-desktop|TryExec=$dest/sli-desktop|" \
    "$dest/share/applications/$APP_ID.desktop" >"$entry"
cp "$dest/share/icons/hicolor/scalable/apps/$APP_ID.svg" "$icon"
cp "$dest/share/metainfo/$APP_ID.metainfo.xml" "$meta"
chmod 644 "$entry" "$icon" "$meta"
refresh
if "$dest/sli-desktop" --self-test >/dev/null; then
    echo "SLI Desktop $("$dest/sli" --version | cut -d' ' -f2) installed in $dest; self-test passed."
else
    echo "SLI Desktop installed in $dest, but its self-test failed (run: $dest/sli-desktop --self-test)" >&2
    exit 1
fi
