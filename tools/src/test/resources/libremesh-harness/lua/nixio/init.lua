-- Stand-in for OpenWrt's nixio (a C module), for chisme's LibreMesh scripts test: syslog goes to stderr;
-- only what Pirania's and LibreMesh's Lua libraries call when they load and when vouchers are synced.
local M = { fs = require("nixio.fs") }

function M.syslog(level, msg)
	io.stderr:write("syslog " .. tostring(level) .. ": " .. tostring(msg) .. "\n")
end
function M.openlog() end
function M.closelog() end
function M.setlogmask() end

return M
