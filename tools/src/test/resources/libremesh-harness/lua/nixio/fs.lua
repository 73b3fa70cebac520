-- Stand-in for OpenWrt's nixio.fs (a C module), for chisme's LibreMesh scripts test: dir() and glob()
-- as iterators, the two calls the shared-state publishers make.
local M = {}

local function lines_of(cmd)
	local p = io.popen(cmd)
	local out = {}
	for l in p:lines() do out[#out + 1] = l end
	p:close()
	local i = 0
	return function() i = i + 1; return out[i] end
end

function M.dir(path)
	return lines_of("ls -1A '" .. path:gsub("'", "'\\''") .. "' 2>/dev/null")
end

function M.glob(pattern)
	return lines_of("for f in " .. pattern .. "; do [ -e \"$f\" ] && echo \"$f\"; done")
end

return M
