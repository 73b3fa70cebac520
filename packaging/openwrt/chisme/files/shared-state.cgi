#!/bin/sh
# /www/cgi-bin/shared-state and /www/cgi-bin/shared-state-multiwriter on a chisme node (one script,
# installed under both names): the bridge for neighbours still running LibreMesh's Lua shared-state, whose
# `shared-state sync TYPE` (or `shared-state-multiwriter sync TYPE`) POSTs its whole map to
# /cgi-bin/NAME/TYPE (optionally gzip-compressed, ?gzip). chisme merges it by the Lua rule of that tool and
# answers with the merged shelf (docs/libremesh.md). A Lua node cannot sign: its entries are taken only on
# shelves with `writers = open` (this package's default); elsewhere they are refused, counted
# (LUA_REFUSED_UNSIGNED) and logged, and the answer is still the node's shelf (docs/security.md).
echo "Content-Type: application/json"
echo
[ "$REQUEST_METHOD" = "POST" ] || exit 22
case "$(basename "$0")" in
  shared-state-multiwriter) tool=/usr/bin/shared-state-multiwriter ;;
  *) tool=/usr/bin/shared-state ;;
esac
type="${PATH_INFO#/}"
case "$type" in
  '' | *[!a-zA-Z0-9_-]*) exit 22 ;;
esac
case "$QUERY_STRING" in
  *gzip*) zcat | "$tool" reqsync "$type" | gzip ;;
  *) "$tool" reqsync "$type" ;;
esac
