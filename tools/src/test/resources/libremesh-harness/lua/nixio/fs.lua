-- Stand-in for OpenWrt's nixio.fs (a C module), for chisme's LibreMesh scripts test: the calls the
-- shared-state publishers and Pirania's libraries make (dir() and glob() as iterators, stat(p, "type"),
-- readfile, mkdirr, dirname).
local M = {}

local function q(s)
	return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function lines_of(cmd)
	local p = io.popen(cmd)
	local out = {}
	for l in p:lines() do out[#out + 1] = l end
	p:close()
	local i = 0
	return function() i = i + 1; return out[i] end
end

function M.dir(path)
	if os.execute("test -d " .. q(path)) ~= 0 then return nil end
	return lines_of("ls -1A " .. q(path) .. " 2>/dev/null")
end

function M.glob(pattern)
	return lines_of("for f in " .. pattern .. "; do [ -e \"$f\" ] && echo \"$f\"; done")
end

function M.stat(path, field)
	local kind = os.execute("test -d " .. q(path)) == 0 and "dir" or os.execute("test -e " .. q(path)) == 0 and "reg" or nil
	if not kind then return nil end
	if field == "type" then return kind end
	return { type = kind }
end

function M.readfile(path)
	local f = io.open(path, "r")
	if not f then return nil end
	local s = f:read("*a")
	f:close()
	return s
end

function M.mkdirr(path)
	return os.execute("mkdir -p " .. q(path)) == 0
end

function M.dirname(path)
	return path:match("^(.*)/[^/]*$") or "."
end

return M
