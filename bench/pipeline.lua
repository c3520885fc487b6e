-- pipeline.lua — wrk script for bench/compare.sh's pipe-16 scenario: every
-- write carries 16 GET requests for the URL's path; wrk counts each answer.
init = function(args)
	local r = {}
	for i = 1, 16 do
		r[i] = wrk.format(nil)
	end
	req = table.concat(r)
end

request = function()
	return req
end
