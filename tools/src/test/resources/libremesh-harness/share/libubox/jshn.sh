# Stand-in for OpenWrt's /usr/share/libubox/jshn.sh (libubox: a shell library over the C tool jshn, both
# OpenWrt-only), for chisme's LibreMesh scripts test, over jq. Only the reading side that the rpcd object
# shared-state-async uses: json_load, json_get_var, json_get_vars, json_is_a, json_select. The document
# stays JSON text; the current position is a jq path. As in jshn: array members are selected by 1-based
# index, an array or object value reads as a name (here "J_A" / "J_T"), a missing one reads empty with
# status 1, types are string, int, double, boolean, array, object.

json_load() {
	_JSHN_DOC="$1"
	_JSHN_PATH='[]'
	printf '%s' "$1" | jq -e 'type == "object"' >/dev/null 2>&1
}

# The value at KEY of the current position, as jshn types it: "TYPE<tab>TEXT" (nothing when missing).
_jshn_at() {
	printf '%s' "$_JSHN_DOC" | jq -r --argjson p "$_JSHN_PATH" --arg k "$1" '
		getpath($p) as $c
		| (if ($c | type) == "array" then (try $c[($k | tonumber) - 1] catch null) elif ($c | type) == "object" then $c[$k] else null end) as $v
		| if $v == null then empty
		  elif ($v | type) == "number" then (if ($v | floor) == $v then "int" else "double" end) + "\t" + ($v | tostring)
		  elif ($v | type) == "array" then "array\tJ_A"
		  elif ($v | type) == "object" then "object\tJ_T"
		  elif ($v | type) == "boolean" then "boolean\t" + (if $v then "1" else "0" end)
		  else "string\t" + $v end' 2>/dev/null
}

json_get_var() {
	_jshn_v="$(_jshn_at "$2")"
	if [ -z "$_jshn_v" ]; then
		eval "$1=''"
		return 1
	fi
	_jshn_v="${_jshn_v#*	}"
	eval "$1=\"\$_jshn_v\""
}

json_get_vars() {
	for _jshn_name in "$@"; do
		json_get_var "${_jshn_name%%:*}" "${_jshn_name%%:*}" || {
			case "$_jshn_name" in *:*) eval "${_jshn_name%%:*}=\"\${_jshn_name#*:}\"" ;; esac
		}
	done
}

json_is_a() {
	_jshn_v="$(_jshn_at "$1")"
	[ -n "$_jshn_v" ] && [ "${_jshn_v%%	*}" = "$2" ]
}

json_select() {
	if [ "$1" = ".." ]; then
		_JSHN_PATH="$(printf '%s' "$_JSHN_PATH" | jq -c '.[:-1]')"
		return 0
	fi
	json_is_a "$1" array || json_is_a "$1" object || return 1
	_JSHN_PATH="$(printf '%s' "$_JSHN_DOC" | jq -c --argjson p "$_JSHN_PATH" --arg k "$1" '
		if (getpath($p) | type) == "array" then $p + [($k | tonumber) - 1] else $p + [$k] end')"
}
