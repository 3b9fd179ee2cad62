#!/bin/sh
# Regenerates src/auth/common_passwords.inc: the 10 000 most common passwords from zxcvbn
# 4.4.2 (npm, MIT) plus common pt-BR passwords of 10+ characters. Run by hand when the list
# should change; the build never downloads it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent zxcvbn@4.4.2 >/dev/null
tar xzf zxcvbn-4.4.2.tgz
OUT="$here/src/auth/common_passwords.inc" node -e '
const f = require("./package/lib/frequency_lists.js");
const p = f.passwords.slice(0, 10000);
const extra = ["senha12345","senha123456","senha1234567","senha12345678","mudar12345",
  "mudar123456","alterar123","alterar1234","brasil1234","brasil12345","brasil2024",
  "brasil2025","brasil2026","1234567890","12345678910","0123456789","abc1234567",
  "qwerty12345","asdfghjkl1","trocar12345","senhasenha","minhasenha","minhasenha1",
  "minhasenha123","iloveyou12","admin12345","admin123456","administrador","painel12345",
  "painel2026","alquimista","alquimista1","alquimista123","password12","password1234",
  "senhaforte","senhaforte1","senhaforte123","flamengo123","corinthians","palmeiras123",
  "saopaulo123"];
const all = [...p, ...extra.filter((x) => !p.includes(x))];
const head = "// Generated from zxcvbn 4.4.2 (lib/frequency_lists.js, passwords, first 10 000 by rank;\n" +
  "// MIT licence, Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.) plus common pt-BR\n" +
  "// passwords of 10+ characters appended at the end. One password per line, lower case.\n" +
  "// Regenerate with scripts/gen-common-passwords.sh.\n";
require("fs").writeFileSync(process.env.OUT, head + "R\"PWLIST(\n" + all.join("\n") + "\n)PWLIST\"\n");
'
