-- Stand-in for OpenWrt's luci.jsonc (a C module over json-c, not packaged outside OpenWrt), written for
-- chisme's LibreMesh scripts test (LibremeshScriptsTest). Same behaviour where LibreMesh scripts rely
-- on it: parse() returns nil on invalid JSON and drops JSON nulls (json-c null -> Lua nil);
-- stringify() writes json-c's plain format: one line, '/' escaped as '\/', an empty table as [].
local dkjson = require("dkjson")
local M = {}

function M.parse(text)
	if type(text) ~= "string" then return nil end
	local ok, value = pcall(dkjson.decode, text, 1, nil)
	if not ok then return nil end
	return value
end

local function is_array(t)
	local n = 0
	for k, _ in pairs(t) do
		if type(k) ~= "number" or k < 1 or k % 1 ~= 0 then return false end
		n = n + 1
	end
	for i = 1, n do if t[i] == nil then return false end end
	return true
end

local function quote(s)
	s = s:gsub('[%c"\\/]', function(c)
		local map = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\n'] = '\\n', ['\r'] = '\\r',
			['\t'] = '\\t', ['\b'] = '\\b', ['\f'] = '\\f' }
		return map[c] or string.format("\\u%04x", c:byte())
	end)
	return '"' .. s .. '"'
end

local function encode(v)
	local t = type(v)
	if t == "nil" then return "null" end
	if t == "boolean" then return tostring(v) end
	if t == "number" then
		if v % 1 == 0 and v > -2^53 and v < 2^53 then return string.format("%d", v) end
		return string.format("%.14g", v)
	end
	if t == "string" then return quote(v) end
	if t == "table" then
		local parts = {}
		if is_array(v) then
			for i = 1, #v do parts[#parts + 1] = encode(v[i]) end
			return "[" .. table.concat(parts, ",") .. "]"
		end
		for k, x in pairs(v) do parts[#parts + 1] = quote(tostring(k)) .. ":" .. encode(x) end
		return "{" .. table.concat(parts, ",") .. "}"
	end
	return "null"
end

function M.stringify(v) return encode(v) end

return M
