-- Stand-in for OpenWrt's nixio (a C module), for chisme's LibreMesh scripts test: syslog goes to stderr;
-- only what Pirania's and LibreMesh's Lua libraries call when they load, when vouchers are synced and when
-- the shared-state library reads a data file (open with flags, lock, readall; the lock is not emulated).
local M = { fs = require("nixio.fs") }

function M.syslog(level, msg)
	io.stderr:write("syslog " .. tostring(level) .. ": " .. tostring(msg) .. "\n")
end
function M.openlog() end
function M.closelog() end
function M.setlogmask() end

function M.open_flags(...)
	return { ... }
end

function M.open(path)
	local f = io.open(path, "a+")
	if not f then return nil end
	local file = {}
	function file:lock() return true end
	function file:readall()
		f:seek("set", 0)
		return f:read("*a")
	end
	function file:close() f:close() end
	return file
end

function M.nanosleep() end

return M
