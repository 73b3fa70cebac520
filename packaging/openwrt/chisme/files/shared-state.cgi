#!/bin/sh
# /www/cgi-bin/shared-state on a chisme node: the bridge for neighbours still running LibreMesh's Lua
# shared-state, whose `shared-state sync TYPE` POSTs its whole map here (optionally gzip-compressed,
# ?gzip). chisme merges it by the Lua rule and answers with the merged shelf (docs/libremesh.md).
echo "Content-Type: application/json"
echo
[ "$REQUEST_METHOD" = "POST" ] || exit 22
type="${PATH_INFO#/}"
case "$type" in
  '' | *[!a-zA-Z0-9_-]*) exit 22 ;;
esac
case "$QUERY_STRING" in
  *gzip*) zcat | /usr/bin/shared-state reqsync "$type" | gzip ;;
  *) /usr/bin/shared-state reqsync "$type" ;;
esac
