#!/usr/bin/env bash
# `make deb`: packs a built painel (BUILD/painel) and the built web UI (web/dist) into
# OUT/painel_<version>_amd64.deb with dpkg-deb; packaging/deb/ holds the unit, the
# settings file, the maintainer scripts and the control template. The version is the
# binary's own (`painel version --json`: CMake's project version). Prints the .deb's path.
#   scripts/build-deb.sh [BUILD=build] [OUT=BUILD]
# PAINEL_DEB_COMPRESSION: dpkg-deb's -Z (default xz).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-$build}
pkg=$src/packaging/deb
bin=$build/painel
web=$src/web/dist

[[ -x "$bin" ]] || { echo "build-deb: no $bin; run make build" >&2; exit 1; }
[[ -f "$web/index.html" ]] || { echo "build-deb: the web UI is not built ($web); run make web" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps strip; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool not found; run make setup" >&2; exit 1; }
done

info=$("$bin" version --json)
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$info" "$1"; }
version=$(field version)
commit=$(field commit)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/painel

install -D -m 0755 "$bin" "$root/usr/bin/painel"
# Debian ships stripped binaries; debug symbols stay in the build tree.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/painel"

mkdir -p "$root/usr/share/painel/web"
cp -R "$web/." "$root/usr/share/painel/web/"
find "$root/usr/share/painel/web" -type d -exec chmod 0755 {} +
find "$root/usr/share/painel/web" -type f -exec chmod 0644 {} +

# Secrets may go in there (a database password): 0640, group painel (postinst).
install -D -m 0640 "$pkg/painel.env" "$root/etc/painel/painel.env"
install -D -m 0644 "$pkg/painel.service" "$root/lib/systemd/system/painel.service"

doc=$root/usr/share/doc/painel
install -D -m 0644 "$pkg/copyright" "$doc/copyright"
install -m 0644 "$src/README.md" "$src/docs/operations.md" "$doc/"
sed -e "s/@VERSION@/$version/" -e "s/@COMMIT@/$commit/" \
    -e "s/@DATE@/$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")/" "$pkg/changelog" |
  gzip -9 -n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -D -m 0644 "$pkg/lintian-overrides" "$root/usr/share/lintian/overrides/painel"

# The manual page and bash completion, generated from the binary's own CLI definitions.
mkdir -p "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions"
"$bin" man | gzip -9 -n >"$root/usr/share/man/man1/painel.1.gz"
"$bin" completion >"$root/usr/share/bash-completion/completions/painel"
chmod 0644 "$root/usr/share/man/man1/painel.1.gz" "$root/usr/share/bash-completion/completions/painel"

# Library dependencies as Debian computes them (dpkg-shlibdeps reads a control file).
mkdir -p "$work/src/debian"
printf 'Source: painel\n\nPackage: painel\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$root/usr/bin/painel" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@SHLIBS_DEPENDS@/$shlibs/" \
  "$pkg/control.in" >"$root/DEBIAN/control"
install -m 0644 "$pkg/conffiles" "$root/DEBIAN/conffiles"
install -m 0755 "$pkg/postinst" "$pkg/prerm" "$pkg/postrm" "$root/DEBIAN/"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$(cd "$out" && pwd)/painel_${version}_amd64.deb"
dpkg-deb --root-owner-group -Z"${PAINEL_DEB_COMPRESSION:-xz}" --build "$root" "$deb" >/dev/null
echo "$deb"
