-- Stand-in for OpenWrt's uci Lua binding (libuci-lua), for chisme's LibreMesh scripts test: reads the
-- UCI files in /etc/config (config TYPE ['NAME'] / option KEY 'VALUE'); anonymous sections are named
-- cfgNN as uci does. Only what the LibreMesh shared-state scripts call: cursor(), get, foreach.
local M = {}

local function unquote(v)
	v = v:match("^%s*(.-)%s*$")
	return v:match("^'(.*)'$") or v:match('^"(.*)"$') or v
end

local function load(config)
	local f = io.open("/etc/config/" .. config, "r")
	local sections, order = {}, {}
	if not f then return sections, order end
	local cur, n = nil, 0
	for line in f:lines() do
		local kind, rest = line:match("^%s*(%a+)%s+(.-)%s*$")
		if kind == "config" then
			local typ, name = rest:match("^(%S+)%s*(.*)$")
			n = n + 1
			name = (name ~= "" and unquote(name)) or string.format("cfg%02x", n)
			cur = { [".type"] = unquote(typ), [".name"] = name }
			sections[name] = cur
			order[#order + 1] = name
		elseif kind == "option" and cur then
			local key, value = rest:match("^(%S+)%s+(.*)$")
			if key then cur[key] = unquote(value) end
		end
	end
	f:close()
	return sections, order
end

function M.cursor()
	local c = {}
	function c:get(config, section, option)
		local sections = load(config)
		local s = sections[section]
		if not s then return nil end
		if option == nil then return s[".type"] end
		return s[option]
	end
	function c:foreach(config, typ, fn)
		local sections, order = load(config)
		for _, name in ipairs(order) do
			if sections[name][".type"] == typ then fn(sections[name]) end
		end
		return true
	end
	function c:get_all(config, section)
		return (load(config))[section]
	end
	return c
end

return M
