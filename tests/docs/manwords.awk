# tests/docs/manwords.awk -- the bold words of some sections of a man page
# (man(7) source), one a line, with roff escapes undone:
#   awk -v sect='REGEX' -f manwords.awk PAGE
# Bold words: every argument of .B; the odd arguments of .BR and .BI; the
# even ones of .RB and .IB; text between \fB and \fR, \fP or \fI. Only the
# sections whose .SH or .SS title matches REGEX (ERE) are read. With
# -v tags=1, only the tag lines of .TP paragraphs (the line after .TP), the
# place where a man page defines a term.

function unescape(s) {
	gsub(/\\-/, "-", s)
	gsub(/\\\(ti/, "~", s)
	gsub(/\\\(aq/, "'", s)
	gsub(/\\\(dq/, "\"", s)
	gsub(/\\\(ha/, "^", s)
	gsub(/\\\(ga/, "`", s)
	gsub(/\\&/, "", s)
	gsub(/\\c$/, "", s)
	gsub(/\\e/, "\\", s)
	return s
}

# Splits a macro's arguments as roff does: blanks separate, double quotes
# group ("" inside stands for one quote).
function args(line, out,    n, i, c, cur, inq, started) {
	n = 0; cur = ""; inq = 0; started = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (inq) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else inq = 0
			} else cur = cur c
		} else if (c == " " || c == "\t") {
			if (started) { out[++n] = cur; cur = ""; started = 0 }
		} else if (c == "\"" && !started) {
			inq = 1; started = 1
		} else {
			cur = cur c; started = 1
		}
	}
	if (started) out[++n] = cur
	return n
}

function emit(s) {
	s = unescape(s)
	sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
	if (s != "") print s
}

/^\.S[HS][ \t]/ {
	t = $0; sub(/^\.S[HS][ \t]+/, "", t); gsub(/"/, "", t)
	t = unescape(t)
	if ($1 == ".SH") on = (t ~ sect)
	else if (t ~ sect) on = 1
	next
}
!on { next }

/^\.TP/ { tp = 1; next }
{ istag = tp; tp = 0 }
/^\.\\"/ { next }
tags && !istag { next }

{
	line = $0
	# Inline bold anywhere on the line.
	rest = line
	while ((p = index(rest, "\\fB")) > 0) {
		rest = substr(rest, p + 3)
		q = match(rest, /\\f[RPI]/)
		w = q ? substr(rest, 1, q - 1) : rest
		emit(w)
		rest = q ? substr(rest, q) : ""
	}
}

/^\.(B|BR|BI|RB|IB)([ \t]|$)/ {
	m = $1; s = line; sub(/^\.[A-Z]+[ \t]*/, "", s)
	n = args(s, a)
	for (i = 1; i <= n; i++) {
		if (m == ".B" || ((m == ".BR" || m == ".BI") && i % 2 == 1) ||
		    ((m == ".RB" || m == ".IB") && i % 2 == 0)) {
			# .B may set several words: each counts alone too.
			emit(a[i])
			if (m == ".B" && n > 1) continue
		}
	}
	if (m == ".B") emit(s)
}
