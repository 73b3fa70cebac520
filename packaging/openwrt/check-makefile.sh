#!/bin/sh
# Checks packaging/openwrt/chisme/Makefile without an OpenWrt SDK (none can be downloaded where chisme is
# built): a stand-in TOPDIR whose rules.mk and include/package.mk define only what the Makefile uses
# (PKG_BUILD_DIR, TARGET_CC/CFLAGS/LDFLAGS = the host's cc, INSTALL_*, CP, BuildPackage running
# Build/Prepare, Build/Compile and Package/NAME/install into a staging root). It proves the variables
# expand, every source path exists and the install tree is complete; it does NOT prove the SDK's own
# rules (ipkg/apk metadata, cross toolchain, feeds) accept it. Needs `./mvnw -B -ntp -DskipTests package`
# first (the jar and target/lib). Usage: packaging/openwrt/check-makefile.sh [CHISME_SRC]
set -eu
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/top/include" "$work/build" "$work/root"
cat > "$work/top/rules.mk" <<'MK'
INCLUDE_DIR:=$(TOPDIR)/include
TARGET_CC:=cc
TARGET_CFLAGS:=-Os
TARGET_LDFLAGS:=
MK
cat > "$work/top/include/package.mk" <<'MK'
PKG_BUILD_DIR:=$(CHECK_BUILD)/$(PKG_NAME)-$(PKG_VERSION)
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
CP:=cp -fpR
define BuildPackage
$$(if $$(strip $$(Package/$(1))),,$$(error Package/$(1) is not defined))
$$(if $$(TITLE),,$$(eval $$(Package/$(1))))
$$(if $$(TITLE),,$$(error Package/$(1) has no TITLE))
$$(if $$(CATEGORY),,$$(error Package/$(1) has no CATEGORY))
.PHONY: check
check:
	$$(Build/Prepare)
	$$(Build/Compile)
	$$(call Package/$(1)/install,$(CHECK_ROOT))
endef
MK
make -s -C "$src/packaging/openwrt/chisme" -f Makefile TOPDIR="$work/top" CHISME_SRC="$src" \
	CHECK_BUILD="$work/build" CHECK_ROOT="$work/root" check
for f in usr/bin/chisme usr/bin/chisme-client usr/bin/shared-state usr/bin/shared-state-async usr/bin/shared-state-multiwriter usr/bin/chisme-client-path \
	usr/bin/shared-state-publish-all usr/bin/shared-state-async-publish-all \
	usr/lib/chisme/jvm.flags usr/lib/chisme/jvm-profile.sh usr/lib/chisme/chisme-tools.jar etc/init.d/chisme etc/chisme/chisme.conf www/cgi-bin/shared-state \
	www/cgi-bin/shared-state-multiwriter usr/libexec/rpcd/shared-state-async usr/share/rpcd/acl.d/shared-state-async.json; do
	[ -s "$work/root/$f" ] || { echo "check-makefile: $f missing or empty in the install tree" >&2; exit 1; }
done
[ -n "$(ls "$work/root/usr/lib/chisme/lib/"*.jar 2>/dev/null)" ] || { echo "check-makefile: no jars in usr/lib/chisme/lib" >&2; exit 1; }
"$work/root/usr/bin/chisme-client" --admin "$work/none.sock" status >/dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" = 3 ] || { echo "check-makefile: the built client answered $rc for no node (expected 3)" >&2; exit 1; }
[ -x "$work/root/usr/libexec/rpcd/shared-state-async" ] || { echo "check-makefile: the rpcd object is not executable" >&2; exit 1; }
for f in shared-state-publish-all shared-state-async-publish-all; do
	[ -x "$work/root/usr/bin/$f" ] || { echo "check-makefile: $f is not executable" >&2; exit 1; }
done
# The cron lines call both by name; the name picks the folder. Under a root with one publisher per folder, each
# command must run its own folder's publisher and exit with its status (LibreMesh's: the last entry's).
mkdir -p "$work/pub/etc/shared-state/publishers" "$work/pub/usr/share/shared-state/publishers"
printf '#!/bin/sh\nexit 3\n' > "$work/pub/etc/shared-state/publishers/p"
printf '#!/bin/sh\nexit 4\n' > "$work/pub/usr/share/shared-state/publishers/p"
chmod +x "$work/pub/etc/shared-state/publishers/p" "$work/pub/usr/share/shared-state/publishers/p"
for f in shared-state-publish-all:3 shared-state-async-publish-all:4; do
	IPKG_INSTROOT="$work/pub" "$work/root/usr/bin/${f%:*}" && rc=0 || rc=$?
	[ "$rc" = "${f#*:}" ] || { echo "check-makefile: ${f%:*} exited $rc, not its publisher's ${f#*:}" >&2; exit 1; }
done
# The JVM launcher, staged: it must start the CLI with the router profile (jvm-profile.sh) on a Java 25 runtime.
jdk=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
if [ -n "$jdk" ] && [ -x "$jdk/bin/java" ]; then
	v=$(CHISME_PREFIX="$work/root" CHISME_JAVA_HOME="$jdk" CHISME_PROFILE=router \
		CHISME_JAVA_OPTS="-XX:+PrintCommandLineFlags" "$work/root/usr/bin/chisme" --version 2>&1) \
		|| { echo "check-makefile: the staged /usr/bin/chisme failed: $v" >&2; exit 1; }
	case "$v" in *UseSerialGC*"chisme 0.1.0"*) ;; *) echo "check-makefile: the staged /usr/bin/chisme ran without the router profile: $v" >&2; exit 1 ;; esac
fi
# rpcd reads the signature with `OBJECT list` under /bin/sh, busybox ash on OpenWrt: it must be one JSON object.
if command -v busybox >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	busybox sh "$work/root/usr/libexec/rpcd/shared-state-async" list | jq -e 'type == "object"' >/dev/null \
		|| { echo "check-makefile: the rpcd object's list is no JSON object under busybox sh" >&2; exit 1; }
	jq -e '."lime-app".write.ubus."shared-state-async"' "$work/root/usr/share/rpcd/acl.d/shared-state-async.json" >/dev/null \
		|| { echo "check-makefile: the rpcd ACL grants lime-app nothing" >&2; exit 1; }
fi
echo "check-makefile: OK ($(cd "$work/root" && find . -type f | wc -l) files installed)"
