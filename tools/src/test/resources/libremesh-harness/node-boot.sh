#!/bin/sh
# Boots one LibreMesh-like node for LibremeshScriptsTest, run as `unshare --mount --uts --fork sh
# node-boot.sh ROOT HOSTNAME`: own host name (/proc/sys/kernel/hostname), overlays over /etc and /usr
# (ROOT/etc-upper and ROOT/usr-upper hold the opkg-installed LibreMesh files and survive a "reboot",
# like flash), ROOT/tmp as both /tmp and /var (OpenWrt's /var is a link to /tmp; a reboot empties it),
# a fake /sys/class/net with the interfaces in ROOT/net, then the chisme daemon with no arguments
# besides the system config (/etc/chisme/chisme.conf), as the procd init script starts it.
set -eu
root="$1"
host="$2"
mount --make-rprivate /
hostname "$host"
mkdir -p "$root/etc-upper" "$root/etc-work" "$root/usr-upper" "$root/usr-work" "$root/tmp"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$root/etc-upper,workdir=$root/etc-work" /etc
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$root/usr-upper,workdir=$root/usr-work" /usr
mount --bind "$root/tmp" /tmp
mount --bind "$root/tmp" /var
mount -t tmpfs tmpfs /sys/class/net
cp -a "$root/net/." /sys/class/net/
# What OpenWrt's boot and dnsmasq's init leave in /tmp, and what chisme's procd init script creates.
mkdir -p /var/hosts /var/shared-state /var/run
cp "$root/dhcp.leases" /tmp/dhcp.leases
mkdir -p /tmp/sysinfo
[ -f "$root/board_name" ] && cp "$root/board_name" /tmp/sysinfo/board_name
export LUA_PATH="/usr/lib/lua/?.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua;;"
# First boot, as OpenWrt's /etc/init.d/boot: each /etc/uci-defaults script once, removed when it succeeds
# (the packages' scripts register their dataType sections and append cron lines).
mkdir -p /etc/crontabs
for f in /etc/uci-defaults/*; do
	[ -f "$f" ] || continue
	(cd /etc/uci-defaults && sh "$f") >/dev/null 2>&1 && rm -f "$f"
done
unset CHISME_DATA CHISME_ADMIN CHISME_CONFIG HOSTNAME
# shellcheck disable=SC2086
exec $CHISME_NODE_JAVA chisme.tools.Chisme node
